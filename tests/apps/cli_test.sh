#!/usr/bin/env bash
# The command line as a user meets it: outputs, exit codes, error messages, the JSON contract
# and atomic -o. Usage: cli_test.sh LIGHTWATT DATA_DIR
set -uo pipefail
lw="$1"
data="$2"
export LIGHTWATT_DATA="$data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() {  # check NAME EXPECTED_CODE STDOUT_REGEX STDERR_REGEX -- ARGS...
    local name="$1" code="$2" out_re="$3" err_re="$4"
    shift 5
    "$lw" "$@" >"$work/out" 2>"$work/err"
    local got=$?
    local ok=1
    [ "$got" -eq "$code" ] || { echo "FAIL $name: exit $got, expected $code"; ok=0; }
    if [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$work/out"; then echo "FAIL $name: stdout lacks /$out_re/"; ok=0; fi
    if [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$work/err"; then echo "FAIL $name: stderr lacks /$err_re/"; ok=0; fi
    if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); sed 's/^/    err: /' "$work/err" | head -5; fi
}

check "list" 0 "cpo_1600g +cpo" "" -- link list
check "list json" 0 '"kind": "optical-io"' "" -- link list --json
check "show" 0 "module power" "" -- link show dsp_pluggable_800g
check "show json keys" 0 '"payload_rate_gbit_per_s": 800' "" -- link show dsp_pluggable_800g --json
check "show json modulator" 0 '"termination_power_w": 0.025' "" -- link show dsp_pluggable_800g --json
check "compare all" 0 "optical_io_chiplet" "" -- link compare
check "compare some" 0 "lpo_800g" "" -- link compare lpo_800g cpo_1600g
check "budget dr4" 0 "margin +0.10" "" -- link budget "$data/budgets/400gbase-dr4.toml"
check "budget json" 0 '"margin_db": 0\.(1|0999)' "" -- link budget "$data/budgets/400gbase-dr4.toml" --json
check "unknown link" 2 "" "NAME = \"lpo_80g\": unknown link \(did you mean \"lpo_800g\"\?\)" -- link show lpo_80g
check "missing budget file" 2 "" "nope.toml: file not found" -- link budget "$work/nope.toml"
check "no verb" 2 "" "" -- link
check "unknown flag" 2 "" "" -- link list --frobnicate
check "version" 0 "lightwatt 0.1.0" "" -- --version
check "bad data dir" 2 "" "--data-dir = $work: no links.toml" -- --data-dir "$work" link list

# JSON contract of show: required keys, and the breakdown sums to pj_per_bit.
"$lw" link show cpo_1600g --json >"$work/show.json"
for key in name kind line_rate_gbit_per_s payload_rate_gbit_per_s module_power_w static_power_w pj_per_bit \
           breakdown_pj_per_bit tx_oma_dbm channel_loss_db penalties_db rx_sensitivity_oma_dbm margin_db; do
    if grep -q "\"$key\"" "$work/show.json"; then passed=$((passed + 1)); else echo "FAIL json key $key"; failed=$((failed + 1)); fi
done
sum_ok=$(awk '/"breakdown_pj_per_bit"/{inb=1; next} inb && /}/{inb=0} inb{gsub(/[",]/,""); s+=$2} /^  "pj_per_bit"/{gsub(/,/,""); t=$2} END{d=s-t; if (d<0) d=-d; print (d < 1e-9 * t) ? "yes" : "no"}' "$work/show.json")
if [ "$sum_ok" = yes ]; then passed=$((passed + 1)); else echo "FAIL breakdown does not sum to pj_per_bit"; failed=$((failed + 1)); fi

# -o writes the file; a bad input leaves an existing file untouched and writes no partial file.
check "output file" 0 "" "" -- link show lpo_800g --json -o "$work/lpo.json"
if grep -q '"name": "lpo_800g"' "$work/lpo.json"; then passed=$((passed + 1)); else echo "FAIL -o content"; failed=$((failed + 1)); fi
cp "$work/lpo.json" "$work/before.json"
check "bad input keeps -o file" 2 "" "unknown link" -- link show nosuch --json -o "$work/lpo.json"
if cmp -s "$work/lpo.json" "$work/before.json"; then passed=$((passed + 1)); else echo "FAIL -o file changed on error"; failed=$((failed + 1)); fi
check "-o into missing folder" 2 "" "the folder does not exist" -- link list -o "$work/missing/x.txt"

# Malformed budget files: exit 2 with file:line, never a crash.
printf '[transmitter]\noma_dbm = "high"\n' >"$work/b1.toml"
check "budget wrong type" 2 "" "b1.toml:2: transmitter.oma_dbm = \"high\": expected a number, got a string" -- link budget "$work/b1.toml"
printf '[transmitter\noma_dbm = 1\n' >"$work/b2.toml"
check "budget syntax" 2 "" "b2.toml:1: not valid TOML" -- link budget "$work/b2.toml"
printf 'link = "cpo_1600g"\n[channel]\nlength_m = -5\n' >"$work/b3.toml"
check "budget negative length" 2 "" "channel.length_m = -5: value out of range" -- link budget "$work/b3.toml"
printf 'link = "cpo_1600g"\n[channel]\nlength_m = 400000\n' >"$work/b4.toml"
check "negative margin is a result" 0 "NEGATIVE MARGIN" "" -- link budget "$work/b4.toml"

# emulate: the JSON contract, bad sizes and bits, unknown names.
"$lw" emulate --m 32 --k 48 --n 64 --json >"$work/em.json" 2>/dev/null
for key in arch m n k seed snr_db enob rel_rms_error energy_pj_per_mac breakdown_pj_per_mac modelled_macs_per_s noise_regime; do
    if grep -q "\"$key\"" "$work/em.json"; then passed=$((passed + 1)); else echo "FAIL emulate json key $key"; failed=$((failed + 1)); fi
done
em_sum_ok=$(awk '/"breakdown_pj_per_mac"/{inb=1; next} inb && /}/{inb=0} inb{gsub(/[",]/,""); s+=$2} /^  "energy_pj_per_mac"/{gsub(/,/,""); t=$2} END{d=s-t; if (d<0) d=-d; print (d < 1e-9 * t) ? "yes" : "no"}' "$work/em.json")
if [ "$em_sum_ok" = yes ]; then passed=$((passed + 1)); else echo "FAIL emulate breakdown does not sum"; failed=$((failed + 1)); fi
check "emulate text" 0 "pJ/MAC" "" -- emulate --arch microring-bank --m 16 --k 16 --n 16
check "emulate file" 0 "for ENOB 5.00" "" -- emulate "$data/emulations/microring-6bit.toml"
# The old spelling of a key is read, with a warning on stderr naming the new one.
printf 'core = "microring_bank"\nseed = 1\n[problem]\nm = 8\nk = 8\nn = 8\n[overrides]\nutilisation = 0.5\n' >"$work/old-spelling.toml"
check "deprecated spelling warns" 0 "pJ/MAC" "lightwatt: warning: .*old-spelling.toml:8: overrides.utilisation: deprecated spelling, still read; write \"utilization\"" -- emulate "$work/old-spelling.toml"
check "emulate zero size" 2 "" "--m = 0: size out of range" -- emulate --m 0
check "emulate zero bits" 2 "" "adc_bits = 0: bits out of range" -- emulate --adc-bits 0 --m 8 --k 8 --n 8
check "emulate names its backend" 0 '"backend": "cpu"' "" -- emulate --m 8 --k 8 --n 8 --device cpu --json
check "emulate bad device" 2 "" '--device = "gpu": unknown device' -- emulate --m 8 --k 8 --n 8 --device gpu
check "emulate bad arch" 2 "" "--arch = \"coherent-mes\": unknown architecture \(did you mean \"coherent-mesh\"\?\)" -- emulate --arch coherent-mes
check "emulate negative laser" 2 "" "laser_power_mw = -1: must be positive" -- emulate --laser-power-mw -1 --m 8 --k 8 --n 8
check "emulate nan laser" 2 "" "laser_power_mw" -- emulate --laser-power-mw nan --m 8 --k 8 --n 8
check "emulate zero tile" 2 "" "tile" -- emulate --tile 0 --m 8 --k 8 --n 8
check "emulate huge tile" 2 "" "--tile = 100000: tile size out of range" -- emulate --tile 100000
check "emulate negative seed" 2 "" "--seed = -5: negative seed" -- emulate --seed -5 --m 8 --k 8 --n 8
check "emulate huge output" 2 "" "matrices too large" -- emulate --m 1048576 --k 1 --n 1048576
check "emulate huge laser" 2 "" "more light than any laser delivers" -- emulate --laser-power-mw 1e9 --m 8 --k 8 --n 8
printf 'core = "microring_bnk"\n' >"$work/e1.toml"
check "emulate unknown core" 2 "" "e1.toml:1: core = \"microring_bnk\": no entry of that name in \[cores\] \(did you mean \"microring_bank\"\?\)" -- emulate "$work/e1.toml"
printf 'core = "coherent_mesh"\n[problem]\nm = 4\nn = 4\nk = 0\n' >"$work/e2.toml"
check "emulate file zero k" 2 "" "e2.toml:5: problem.k = 0: value out of range" -- emulate "$work/e2.toml"
check "emulate same seed same output" 0 "" "" -- emulate --m 8 --k 8 --n 8 --seed 5 --json -o "$work/s1.json"
"$lw" emulate --m 8 --k 8 --n 8 --seed 5 --json -o "$work/s2.json" 2>/dev/null
if cmp -s "$work/s1.json" "$work/s2.json"; then passed=$((passed + 1)); else echo "FAIL emulate not reproducible"; failed=$((failed + 1)); fi

# emulate on given matrices (CSV beside the request file).
check "emulate given matrices" 0 "8 x 12 times 12 x 20" "" -- emulate "$data/emulations/given-matrices.toml"
cp "$data/emulations/small-layer-inputs.csv" "$work/x.csv"
printf '1, 2\n3, oops\n' >"$work/w.csv"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "w.csv"\n' >"$work/e3.toml"
check "emulate bad csv" 2 "" "w.csv:2: column 2 = \"oops\": not a finite number" -- emulate "$work/e3.toml"
printf '1, 2\n3, 4\n' >"$work/w.csv"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "w.csv"\ninputs_csv = "x.csv"\n' >"$work/e4.toml"
check "emulate shape mismatch" 2 "" "problem.inputs_csv = \"x.csv\": has 12 rows but the weights have 2 columns" -- emulate "$work/e4.toml"
check "emulate flag contradicts matrix" 2 "" "--k = 5: contradicts" -- emulate "$data/emulations/given-matrices.toml" --k 5

# A broken catalog: exit 2 naming file, line and key.
mkdir -p "$work/data"
cp "$data"/*.toml "$work/data/"
sed -i 's/^wall_plug_efficiency = 0.20$/wall_plug_efficiency = 1.20/' "$work/data/devices.toml"
check "bad catalog value" 2 "" "devices.toml:[0-9]+: lasers.cw_dfb_1310_uncooled.wall_plug_efficiency = 1.2: value out of range. Allowed: a number in \(0, 1\]" -- --data-dir "$work/data" link list


# calibrate nccl-tests: this project's fixtures (the real logs are tested in nccl_tests_test).
fixtures="$(cd "$(dirname "$0")/.." && pwd)/fixtures/nccl-tests"
check "calibrate table" 0 "reduce_scatter +4 +1 +3" "" -- calibrate nccl-tests "$fixtures/tagged-fields-reducescatter-4rank.log"
check "calibrate json" 0 '"busbw_gbyte_per_s"' "" -- calibrate nccl-tests "$fixtures/tagged-fields-reducescatter-4rank.log" --json
check "calibrate json schema" 0 '"schema": "lightwatt.calibration"' "" -- calibrate nccl-tests "$fixtures/tagged-fields-reducescatter-4rank.log" --json
check "calibrate given collective" 0 "all_reduce +16 +2 +3" "" -- calibrate nccl-tests "$fixtures/v2.10-allreduce-16rank.log" --collective all_reduce
check "calibrate needs collective" 2 "" "v2.10-allreduce-16rank.log:3: collective = \(not printed\): .*Allowed: a log that names it, or --collective NAME: all_reduce" -- calibrate nccl-tests "$fixtures/v2.10-allreduce-16rank.log"
check "calibrate unknown collective" 2 "" "--collective = \"allreduce\": unknown collective \(did you mean \"all_reduce\"\?\)" -- calibrate nccl-tests "$fixtures/v2.10-allreduce-16rank.log" --collective allreduce
check "calibrate missing log" 2 "" "nope.log: file not found" -- calibrate nccl-tests "$work/nope.log"
printf '# Using devices\n#  Rank  0 Group  0 Pid 1 on a device  0 [0x1b] GPU\n    33554432       4194304    double     sum      -1   171.88\n' >"$work/bad.log"
check "calibrate malformed row" 2 "" "bad.log:3: result row = 6 fields: malformed nccl-tests result row" -- calibrate nccl-tests "$work/bad.log" --collective all_reduce
check "calibrate -o" 0 "" "" -- calibrate nccl-tests "$fixtures/mpi-tagged-sendrecv-2node.log" --collective sendrecv -o "$work/cal.json"
if grep -q '"collective": "sendrecv"' "$work/cal.json"; then passed=$((passed + 1)); else echo "FAIL calibrate -o content"; failed=$((failed + 1)); fi
cp "$work/cal.json" "$work/cal-before.json"
check "calibrate error keeps -o file" 2 "" "malformed" -- calibrate nccl-tests "$work/bad.log" --collective all_reduce -o "$work/cal.json"
if cmp -s "$work/cal.json" "$work/cal-before.json"; then passed=$((passed + 1)); else echo "FAIL calibrate -o changed on error"; failed=$((failed + 1)); fi


# estimate: the default scenario, the JSON contract, input errors naming the key.
check "estimate table" 0 "cpo_optical_io_scale_up" "" -- estimate
check "estimate json" 0 '"breakdown_j_per_token"' "" -- estimate --json
check "estimate: the serving terms and their runs" 0 "^serving terms: engine overhead [0-9.]+ us per layer \+ [0-9.]+ us per sequence; GPU power [0-9.]+ W \+ .* \(fitted on validation/ml-energy-h100\.toml, measured on h100_sxm\)$" "" -- estimate
check "estimate: terms carried to another GPU say so" 0 "measured on h100_sxm, carried to gb200\)$" "" -- estimate "$data/scenarios/gb200-nvl72-405b-fp4.toml"
check "estimate csv" 0 "^option,j_per_token" "" -- estimate --csv
sed 's/"NVIDIA H100 80GB HBM3"/"NVIDIA H200"/' "$data/calibration/h100-sxm-8gpu.json" >"$work/h200.json"
check "estimate: a record of another GPU is refused, naming both and the fix" 2 "" "h200.json: machine.gpu_model = \"NVIDIA H200\": measured on h200_sxm, but the scenario's GPU is h100_sxm \(system dgx_h100\)\. Allowed: .*deployment\.system = \"hgx_h200\"" -- estimate --calibration "$work/h200.json"
# The project's H200 measurement drives an H200 estimate; the fabric is the catalog's, said so.
check "estimate: the measured H200 profile" 0 "\(h200_sxm, hgx_h200\)" "" -- estimate "$data/scenarios/h200-405b-fp8.toml"
grep -q "fabric: no collective of this system was measured" "$work/out" && passed=$((passed + 1)) || { echo "FAIL estimate: H200 fabric note"; failed=$((failed + 1)); }
grep -q -- "-0\.000" "$work/out" && { echo "FAIL estimate: a -0.000 part"; failed=$((failed + 1)); } || passed=$((passed + 1))
# Announced hardware is flagged in the report.
check "estimate: announced figures flagged" 0 "ANNOUNCED: gpus.rubin_ultra" "" -- estimate "$data/scenarios/rubin-ultra-nvl576-405b.toml"
# An option naming a link the catalog lacks: options.toml's file, line and key.
cp -r "$data" "$work/data-badlink"
sed -i '0,/scale_out_link = "dsp_pluggable_800g"/s//scale_out_link = "dsp_pluggable_800gx"/' "$work/data-badlink/options.toml"
check "estimate: an option's unknown link names options.toml" 2 "" "options.toml:[0-9]+: options\.[a-z_]+\.scale_out_link = \"dsp_pluggable_800gx\": no entry of that name in \[links\] \(did you mean \"dsp_pluggable_800g\"\?\)" -- --data-dir "$work/data-badlink" estimate
# A bad small-model proxy study: its file and the key.
cp -r "$data" "$work/data-badstudy"
sed -i '0,/"bits": 3,/s//"bits": 0,/' "$work/data-badstudy/studies/lm-perplexity.json"
check "estimate: a bad proxy study names its file and key" 2 "" "lm-perplexity\.json: points\[0\]\.bits = 0: out of range" -- --data-dir "$work/data-badstudy" estimate
# An error at a key inside a record the scenario references names that key in that file.
sed '0,/"ranks": 8/s//"ranks": 0/' "$data/calibration/h100-sxm-8gpu.json" >"$work/badcal.json"
sed "s#profile = \"calibration/h100-sxm-8gpu.json\"#profile = \"$work/badcal.json\"#" "$data/scenarios/default.toml" >"$work/badcal-scenario.toml"
check "estimate: an error inside the referenced record keeps its key" 2 "" "badcal.json: collectives\[0\]\.ranks = 0: out of range" -- estimate "$work/badcal-scenario.toml"
if "$lw" estimate 2>&1 >/dev/null | grep -q warning; then  # the shipped record is the deployment's GPU's
    echo "FAIL estimate: the shipped record warns"; failed=$((failed + 1))
else passed=$((passed + 1)); fi
check "estimate offload accuracy" 0 "photonic_ffn_offload +gate_up +256 x 16384 x 64" "" -- estimate
check "estimate offload accuracy json" 0 '"offload_accuracy"' "" -- estimate --json
"$lw" estimate --json >"$work/est.json"
for key in scenario calibration_source options name j_per_token gpu_only_j_per_token tokens_per_s tokens_per_joule \
           breakdown_j_per_token saving_vs_baseline_pct; do
    if grep -q "\"$key\"" "$work/est.json"; then passed=$((passed + 1)); else echo "FAIL estimate json key $key"; failed=$((failed + 1)); fi
done
sum_ok=$(python3 -c "
import json,sys
d=json.load(open('$work/est.json'))
ok=all(abs(sum(o['breakdown_j_per_token'].values())-o['j_per_token'])<1e-9*o['j_per_token'] for o in d['options'])
ok=ok and any('baseline' in o['name'] for o in d['options']) and any('cpo' in o['name'] for o in d['options'])
ok=ok and any('photonic' in o['name'] for o in d['options'])
print('yes' if ok else 'no')" 2>/dev/null)
if [ "$sum_ok" = yes ]; then passed=$((passed + 1)); else echo "FAIL estimate breakdown does not sum or names missing"; failed=$((failed + 1)); fi
check "estimate plot" 0 "" "" -- estimate --plot "$work/est.svg"
if grep -q "<svg" "$work/est.svg"; then passed=$((passed + 1)); else echo "FAIL estimate svg"; failed=$((failed + 1)); fi
sed 's/^model = "llama_3_1_405b"/model = "llama_3_1_405"/' "$data/scenarios/default.toml" >"$work/s1.toml"
check "estimate unknown model" 2 "" "s1.toml:[0-9]+: workload.model = \"llama_3_1_405\": no entry of that name in \[llms\] \(did you mean \"llama_3_1_405b\"\?\)" -- estimate "$work/s1.toml"
sed 's/^tp = 8/tp = 3/' "$data/scenarios/default.toml" >"$work/s2.toml"
check "estimate tp not dividing heads" 2 "" "deployment.tp = 3: does not divide the 128 attention heads" -- estimate "$work/s2.toml"
sed 's/^gpus = 8/gpus = 4/' "$data/scenarios/default.toml" >"$work/s3.toml"
check "estimate more GPUs than deployment" 2 "" "deployment.tp = 8: tp x pp = 8 GPUs, more than the deployment's 4" -- estimate "$work/s3.toml"
sed 's/^batch = 64/batch = 0/' "$data/scenarios/default.toml" >"$work/s4.toml"
check "estimate batch 0" 2 "" "workload.batch = 0: value out of range" -- estimate "$work/s4.toml"
sed 's/"baseline", //' "$data/scenarios/default.toml" >"$work/s5.toml"
check "estimate without baseline" 2 "" "no baseline among the options" -- estimate "$work/s5.toml"
sed 's/"lpo"/"lp0"/' "$data/scenarios/default.toml" >"$work/s6.toml"
check "estimate unknown option" 2 "" "options.compare = \"lp0\": no entry of that name in \[options\] \(did you mean \"lpo\"\?\)" -- estimate "$work/s6.toml"
check "estimate json and csv" 2 "" "two output formats at once" -- estimate --json --csv

# estimate, training mode: the Llama 3 pre-training scenario and its input errors.
train="$data/scenarios/llama3-405b-training.toml"
check "training table" 0 "TP 8 x PP 16 x DP 64 = 8192 GPUs" "" -- estimate "$train"
check "training json" 0 '"mode": "training"' "" -- estimate "$train" --json
check "training json phases" 0 '"name": "pipeline_bubble"' "" -- estimate "$train" --json
sed 's/^gpus = 8192/gpus = 8200/' "$train" >"$work/t1.toml"
check "training gpus not whole replicas" 2 "" "t1.toml:[0-9]+: deployment.gpus = 8200: not a whole number of tp x pp = 128 GPU replicas" -- estimate "$work/t1.toml"
sed 's/^tokens_per_step = 16777216/tokens_per_step = 16777000/' "$train" >"$work/t2.toml"
check "training partial micro-batch" 2 "" "t2.toml:[0-9]+: workload.tokens_per_step = 16777000: not a whole number of micro-batches" -- estimate "$work/t2.toml"
sed 's/^mode = "training"/mode = "train"/' "$train" >"$work/t3.toml"
check "training unknown mode" 2 "" "workload.mode = \"train\": unknown mode" -- estimate "$work/t3.toml"
sed 's/^micro_batch_sequences = 1/micro_batch_sequences = 1\nbatch = 64/' "$train" >"$work/t4.toml"
check "training with a serving key" 2 "" "workload.batch" -- estimate "$work/t4.toml"
sed '/^bytes_per_gradient/d' "$train" >"$work/t5.toml"
check "training without gradient bytes" 2 "" "bytes_per_gradient" -- estimate "$work/t5.toml"
sed 's/^tp = 8/tp = 8\nparallelism = "search"\nmemory_utilization = 0.9/' "$train" >"$work/t6.toml"
check "training search refused" 2 "" "deployment.parallelism = \"search\": the search chooses serving replicas only" -- estimate "$work/t6.toml"

# estimate with a latency target and the parallelism searched per option.
lat="$data/scenarios/405b-latency-target.toml"
check "search table" 0 "cpo_optical_io_scale_up +16 x 1 +16 +[0-9.]+ +yes" "" -- estimate "$lat"
check "search json" 0 '"meets_latency_target": false' "" -- estimate "$lat" --json
sed 's/^gpus = 64/gpus = 4/; s/^tp = 8/tp = 4/' "$lat" >"$work/l1.toml"
check "search nothing fits" 2 "" "l1.toml:[0-9]+: deployment.gpus = 4: no tp x pp within that many GPUs holds llama_3_1_405b" -- estimate "$work/l1.toml"
sed 's/^parallelism = "search"/parallelism = "best"/' "$lat" >"$work/l2.toml"
check "search unknown choice" 2 "" "deployment.parallelism = \"best\": unknown choice" -- estimate "$work/l2.toml"
sed '/^memory_utilization/d' "$lat" >"$work/l3.toml"
check "search without memory share" 2 "" "memory_utilization" -- estimate "$work/l3.toml"

# Hostile input (issue 11): each defect's regression case. Never touches /dev/null or files outside
# $work: links, FIFOs and device nodes are made here.
truth() {  # truth NAME COMMAND...: a passing check when COMMAND succeeds
    local name="$1"
    shift
    if "$@"; then passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
not() { ! "$@"; }
h="$work/hostile"
mkdir -p "$h"
# 1. Deep nesting: exit 2 with file, line and the limit, before the parser recurses.
python3 -c "print('.'.join(['a']*40000)+' = 1')" >"$h/deep.toml"
check "hostile: deep dotted key" 2 "" "deep.toml:1: nesting deeper than 64" -- link budget "$h/deep.toml"
python3 -c "print('['*2000 + '.'.join(['a']*100) + ']')" >"$h/header.toml"
check "hostile: deep header" 2 "" "header.toml:1: nesting deeper than 64" -- estimate "$h/header.toml"
python3 -c "print('['*100000+']'*100000)" >"$h/deep.json"
check "hostile: deep json" 2 "" "deep.json:1: nesting deeper than 64" -- estimate --calibration "$h/deep.json"
python3 -c "import json; print(json.dumps({'schema':'lightwatt.calibration','schema_version':1,'x':'v'*10000}))" >"$h/key.json"
check "hostile: unknown json key quotes a prefix" 2 "" "x = \"v{10,64}\.\.\.: unknown key" -- estimate --calibration "$h/key.json"
truth "hostile: message stays short" [ "$(wc -c <"$work/err")" -lt 400 ]
# 2 and 3 need an address-space limit, which AddressSanitizer cannot run under.
if grep -qa __asan_init "$lw"; then
    echo "SKIP hostile: thread creation and emulator memory cases (sanitizer build: no ulimit -v)"
else
    check "hostile: default threads" 0 "pJ/MAC" "" -- emulate --m 64 --k 32768 --n 1 --seed 1 &&
        cp "$work/out" "$h/one.txt"
    (ulimit -v 1000000; LIGHTWATT_THREADS=300 "$lw" emulate --m 64 --k 32768 --n 1 --seed 1 >"$h/many.txt" 2>"$h/many.err")
    truth "hostile: 300 threads asked under ulimit -v, fewer run, same bytes" cmp -s "$h/one.txt" "$h/many.txt"
    (ulimit -v 4000000; "$lw" emulate --m 1 --n 1 --k 1048576 --tile 4096 >/dev/null 2>"$h/tile.err"; echo $? >"$h/tile.rc")
    truth "hostile: padded tiles refused" grep -q "GiB to emulate" "$h/tile.err"
    truth "hostile: padded tiles exit 2" [ "$(cat "$h/tile.rc")" = 2 ]
    (ulimit -v 4000000; "$lw" emulate --m 16384 --n 1 --k 16384 --tile 1 >/dev/null 2>"$h/tile1.err"; echo $? >"$h/tile1.rc")
    truth "hostile: tiny tiles refused" [ "$(cat "$h/tile1.rc")" = 2 ]
    (ulimit -v 4000000; "$lw" emulate --m 1 --n 1 --k 1048576 >/dev/null 2>&1; echo $? >"$h/long.rc")
    truth "hostile: 1 x 2^20 x 1 fits" [ "$(cat "$h/long.rc")" = 0 ]
fi
python3 -c "print(','.join(['1']*1048577))" >"$h/wide.csv"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "wide.csv"\nn = 1\n' >"$h/wide.toml"
check "hostile: CSV beyond 2^20 columns" 2 "" "wide.csv:1: row = more than 1048576 values" -- emulate "$h/wide.toml"
# 4. -o: never follows a planted temporary, writes through what is not a regular file.
echo keep >"$h/victim"
for i in $(seq 0 9); do ln -s "$h/victim" "$h/.planted.txt.tmp.$i"; done
check "hostile: -o beside planted links" 0 "" "" -- link list -o "$h/planted.txt"
truth "hostile: planted link not followed" [ "$(cat "$h/victim")" = keep ]
mkfifo "$h/fifo"
(cat "$h/fifo" >"$h/fifo.out") &
check "hostile: -o into a FIFO" 0 "" "" -- link list -o "$h/fifo"
wait
truth "hostile: FIFO kept" [ -p "$h/fifo" ]
truth "hostile: FIFO got the output" grep -q "cpo_1600g" "$h/fifo.out"
if mknod "$h/null" c 1 3 2>/dev/null; then
    check "hostile: -o onto a device" 0 "" "" -- link list -o "$h/null"
    truth "hostile: device kept" [ -c "$h/null" ]
fi
ls -A "$h" | grep -q '^\.planted\.txt\.' && ls -A "$h" | grep -v '^\.planted\.txt\.tmp\.' | grep -q '^\.' &&
    { echo "FAIL hostile: temporary left behind"; failed=$((failed + 1)); }
# 5. A failing run replaces no output: paths are checked first, outputs committed together.
echo old >"$h/p.svg"
check "hostile: bad -o keeps the plot" 2 "" "-o = .*: the folder does not exist" -- estimate --plot "$h/p.svg" -o "$h/missing/x"
truth "hostile: plot untouched" [ "$(cat "$h/p.svg")" = old ]
check "hostile: --plot labelled" 2 "" "--plot = .*: the folder does not exist" -- estimate --plot "$h/missing/p.svg"
# 6. The replaced file's mode is kept.
echo x >"$h/mode.txt"
chmod 640 "$h/mode.txt"
check "hostile: -o over a 0640 file" 0 "" "" -- link list -o "$h/mode.txt"
truth "hostile: mode 0640 kept" [ "$(stat -c %a "$h/mode.txt")" = 640 ]
# 7. Standard output that cannot be written: exit 3 with a message.
if [ -w /dev/full ]; then
    "$lw" link list >/dev/full 2>"$h/full.err"
    truth "hostile: stdout full exits 3" [ $? -eq 3 ]
    truth "hostile: stdout full message" grep -q "cannot write standard output" "$h/full.err"
fi
"$lw" link list >&- 2>"$h/closed.err"
truth "hostile: stdout closed exits 3" [ $? -eq 3 ]
# 8. A referenced file that is not a matrix is quoted only by a short escaped prefix.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$h/passwd"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "passwd"\nn = 1\n' >"$h/pw.toml"
check "hostile: CSV field quoted short" 2 "" "column 1 = \"root:x:0:0:root:\.\.\.\": not a finite number" -- emulate "$h/pw.toml"
truth "hostile: no more of the file" not grep -q "/bin/bash" "$work/err"
# 9. Unbounded values: refused, never a non-finite answer.
printf 'link = "lpo_800g"\n[transmitter]\nlaser_output_mw = 1e308\n' >"$h/huge.toml"
check "hostile: laser 1e308" 2 "" "laser_output_mw = 1e\+308: value out of range" -- link budget "$h/huge.toml"
printf 'link = "lpo_800g"\n[transmitter]\nlaser_output_mw = 5e-324\n' >"$h/tiny.toml"
check "hostile: laser 5e-324" 2 "" "laser_output_mw = .*: value out of range" -- link budget "$h/tiny.toml"
sed 's/^power_budget_mw = .*/power_budget_mw = 1e308/' "$data/scenarios/default.toml" >"$h/mw.toml"
check "hostile: power budget 1e308" 2 "" "power_budget_mw = 1e\+308: value out of range" -- estimate "$h/mw.toml"
# 10. References reported at the referencing file, line and key; what the file is, not "not found".
sed 's#^profile = .*#profile = "/dev/zero"#' "$data/scenarios/default.toml" >"$h/zero.toml"
check "hostile: profile is a device" 2 "" "zero.toml:[0-9]+: calibration.profile = \"/dev/zero\": /dev/zero: a device" -- estimate "$h/zero.toml"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "fifo"\nn = 1\n' >"$h/ff.toml"
check "hostile: CSV is a FIFO" 2 "" "ff.toml:3: problem.weights_csv = \"fifo\": .*fifo: a FIFO" -- emulate "$h/ff.toml"
printf 'core = "dot_product_engine"\n[problem]\nweights_csv = "."\nn = 1\n' >"$h/dir.toml"
check "hostile: CSV is a directory" 2 "" "dir.toml:3: problem.weights_csv = \"\.\": .*: a directory" -- emulate "$h/dir.toml"
sed 's/^\[overrides\]/[overrides]\nclock_ghz = 5000/' "$data/emulations/microring-6bit.toml" >"$h/clock.toml"
check "hostile: clock reported at its key" 2 "" "clock.toml:[0-9]+: overrides.clock_ghz = 5000: no adc_low converter" -- emulate "$h/clock.toml"
# 11 and 10. nccl-tests rows: a negative size and an absurd time are errors at their own line.
log="$(dirname "$0")/../fixtures/nccl-tests/v2.10-allreduce-16rank.log"
row=$(grep -n "float" "$log" | sed -n 3p | cut -d: -f1)
sed "${row}s/^\( *\)[0-9]*/\1-8/" "$log" >"$h/neg.log"
check "hostile: negative size row" 2 "" "neg.log:$row: size = -8: not a size" -- calibrate nccl-tests "$h/neg.log"
sed "${row}s/^\(\( *[^ ]*\)\{4\}\) *[^ ]*/\1 1e308/" "$log" >"$h/slow.log"
check "hostile: 1e308 time at its row" 2 "" "slow.log:$row: field 5 = 1e308: not a time" -- calibrate nccl-tests "$h/slow.log"
# 12. Control characters from inputs are escaped in text output.
sed "s/^description = .*/description = \"x\\\\u001b]0;owned\\\\u0007\\\\u001b[2J\"/" "$data/scenarios/default.toml" >"$h/esc.toml"
check "hostile: description escaped" 0 'x\\x1b\]0;owned\\x07\\x1b\[2J' "" -- estimate "$h/esc.toml"
truth "hostile: no raw escape" not grep -q $'\x1b' "$work/out"
# ... and the SVG chart holds input text as character data: an option named with markup.
mkdir -p "$h/svgdata" && cp -r "$data"/. "$h/svgdata"/
sed -i 's/^\[options\.lpo\]/[options."l<p\&o"]/' "$h/svgdata/options.toml"
sed 's/"lpo"/"l<p\&o"/' "$data/scenarios/default.toml" >"$h/svg.toml"
check "hostile: option name with markup" 0 "" "" -- --data-dir "$h/svgdata" estimate "$h/svg.toml" --plot "$h/markup.svg"
truth "hostile: SVG escapes markup" grep -q "l&lt;p&amp;o" "$h/markup.svg"
truth "hostile: SVG holds no raw markup" not grep -q "l<p" "$h/markup.svg"
cp "$log" "$h/$(printf 'bad\nname.log')"
check "hostile: newline in a log name" 0 "bad\\\\nname.log:" "" -- calibrate nccl-tests --collective all_reduce "$h/$(printf 'bad\nname.log')"

# Sweeps (docs/sweep-file.md): a folder of chunks and a manifest; a folder that is not empty is
# refused without --resume; bad axes exit 2 at their line; SIGINT stops after a chunk (exit 130)
# and --resume finishes with the rows of an uninterrupted run.
sw="$work/sweep"
mkdir -p "$sw"
check "sweep" 0 "Sweep complete: 1 of 1 chunks .*40 design points x 5 options" "" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/a"
truth "sweep: header and 200 rows" test "$(wc -l <"$sw/a/part-00000.csv")" -eq 201
truth "sweep: tp 1 does not fit" grep -q '^1,1,baseline,.*,false,".*HBM"$' "$sw/a/part-00000.csv"
truth "sweep: the default point" grep -q '^64,8,baseline,.*,true,$' "$sw/a/part-00000.csv"
check "sweep: folder not empty" 2 "" "not empty.*--resume" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/a"
check "sweep: resume a complete sweep" 0 "0 chunks written by this run" "" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/a" --resume
check "sweep: resume in another format" 2 "" "format = \"csv\"" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/a" --resume --format jsonl
check "sweep jsonl" 0 '"chunks_done": 1' "" -- sweep "$data/sweeps/rack-systems.toml" -o "$sw/b" --format jsonl --json --threads 1
truth "sweep jsonl: 24 points x 6 options" test "$(wc -l <"$sw/b/part-00000.jsonl")" -eq 144
check "sweep: Latin hypercube" 0 "64 design points x 5 options" "" -- sweep "$data/sweeps/workload-lhs.toml" -o "$sw/lhs" --threads 1
truth "sweep: Latin hypercube, 64 distinct prompt lengths" test "$(grep ',baseline,' "$sw/lhs/part-00000.csv" | cut -d, -f2 | sort -u | wc -l)" -eq 64
check "sweep: no threads" 2 "" "--threads = 0" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/c" --threads 0
check "sweep: no format" 2 "" "unknown format" -- sweep "$data/sweeps/batch-tp.toml" -o "$sw/c" --format parquet
printf 'scenario = "%s"\n\n[axes.b]\nkey = "workload.bach"\nvalues = [1]\n' "$data/scenarios/default.toml" >"$sw/key.toml"
check "sweep: unknown key" 2 "" "key.toml:3: axes.b.key = \"workload.bach\".*did you mean \"batch\"" -- sweep "$sw/key.toml" -o "$sw/c"
printf 'scenario = "%s"\n[axes.s]\nkey = "deployment.system"\nvalues = ["dgx_h100", "dgx_h10"]\n' "$data/scenarios/default.toml" >"$sw/name.toml"
check "sweep: unknown system" 2 "" "name.toml:2: axes.s.values = \"dgx_h10\".*did you mean \"dgx_h100\"" -- sweep "$sw/name.toml" -o "$sw/c"
printf 'scenario = "%s"\n[axes.b]\nkey = "workload.batch"\nlog = { from = 0, to = 8, count = 4 }\n' "$data/scenarios/default.toml" >"$sw/log.toml"
check "sweep: log range through zero" 2 "" "log.toml:4: axes.b.log.from = 0" -- sweep "$sw/log.toml" -o "$sw/c"
printf 'scenario = "%s"\n[monte_carlo]\ndraws = 0\nseed = 1\n' "$data/scenarios/default.toml" >"$sw/mc0.toml"
check "sweep: Monte Carlo of 0 draws" 2 "" "mc0.toml:3: monte_carlo.draws = 0" -- sweep "$sw/mc0.toml" -o "$sw/c"
printf 'scenario = "%s"\n[monte_carlo]\ndraws = 9\nseed = 1\n[axes.b]\nkey = "workload.batch"\nvalues = [1]\n' "$data/scenarios/default.toml" >"$sw/mcaxes.toml"
check "sweep: Monte Carlo beside axes" 2 "" "mcaxes.toml:[0-9]+: axes.*axes beside \\[monte_carlo\\]" -- sweep "$sw/mcaxes.toml" -o "$sw/c"
printf 'scenario = "%s"\n[monte_carlo]\ndraws = 9\nseed = 1\nsed = 2\n' "$data/scenarios/default.toml" >"$sw/mckey.toml"
check "sweep: Monte Carlo, unknown key" 2 "" "mckey.toml:5: monte_carlo.sed = 2.*did you mean \"seed\"" -- sweep "$sw/mckey.toml" -o "$sw/c"
truth "sweep: nothing written on bad input" not test -e "$sw/c"
# 12,000 points in 3 chunks, on one thread (a tenth of a second per chunk in release); SIGINT once
# the manifest is there (the handler is in place by then).
printf 'scenario = "%s"\n[axes.b]\nkey = "workload.batch"\nlinear = { from = 1, to = 120, count = 120 }\n[axes.o]\nkey = "workload.output_tokens"\nlinear = { from = 10, to = 1000, count = 100 }\n' \
    "$data/scenarios/default.toml" >"$sw/long.toml"
"$lw" sweep "$sw/long.toml" -o "$sw/i" --quiet --threads 1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 2000); do [ -e "$sw/i/manifest.json" ] && break; sleep 0.01; done
kill -INT "$pid"
wait "$pid"
truth "sweep: SIGINT exits 130" test $? -eq 130
truth "sweep: interrupted manifest" grep -q '"complete": false' "$sw/i/manifest.json"
check "sweep: resume" 0 "Sweep complete: 3 of 3" "" -- sweep "$sw/long.toml" -o "$sw/i" --resume
check "sweep: uninterrupted, 2 threads" 0 "" "" -- sweep "$sw/long.toml" -o "$sw/u" --threads 2
truth "sweep: resumed rows equal" cmp -s <(cat "$sw/i"/part-*.csv) <(cat "$sw/u"/part-*.csv)
printf '{"sweep_file": "x"}' >"$sw/i/manifest.json"
check "sweep: bad manifest" 2 "" "manifest.json.*sweep_hash" -- sweep "$sw/long.toml" -o "$sw/i" --resume
# Shards (docs/sweep-file.md, "Shards"): the 3 chunks in 2 shards, floor(I x 3 / 2) = 0, 1, 3:
# chunk 0, then chunks 1 and 2; merged, the folder is the unsharded run's, file for file.
check "sweep: shard 0/2" 0 "shard 0/2, 1 of 1 chunks" "" -- sweep "$sw/long.toml" -o "$sw/s0" --shard 0/2 --threads 2
check "sweep: shard 1/2" 0 "shard 1/2, 2 of 2 chunks" "" -- sweep "$sw/long.toml" -o "$sw/s1" --shard 1/2 --threads 2
check "sweep: merge a shard missing" 2 "" "missing shard\(s\) 0/2" -- sweep --merge -o "$sw/m" "$sw/s1"
check "sweep: merge a shard twice" 2 "" "shard 1/2 again" -- sweep --merge -o "$sw/m" "$sw/s1" "$sw/s0" "$sw/s1"
truth "sweep: nothing merged on bad input" not test -e "$sw/m"
check "sweep: merge" 0 "Sweep merged: 3 chunks of 2 shards" "" -- sweep --merge -o "$sw/m" "$sw/s1" "$sw/s0"
same_folder() {  # the same file names, each the same bytes (cmp)
    [ "$(ls "$1")" = "$(ls "$2")" ] || return 1
    for f in "$1"/*; do cmp -s "$f" "$2/$(basename "$f")" || return 1; done
}
truth "sweep: merged folder is the unsharded run's" same_folder "$sw/m" "$sw/u"
check "sweep: resume another shard" 2 "" "shard = \"1/2\".*--shard 1/2" -- sweep "$sw/long.toml" -o "$sw/s1" --shard 0/2 --resume
check "sweep: shard N = 0" 2 "" "--shard = 0/0: no shards" -- sweep "$sw/long.toml" -o "$sw/c" --shard 0/0
check "sweep: shard outside 0..N-1" 2 "" "--shard = 2/2: shard 2 outside 0 .. 1.*I/N" -- sweep "$sw/long.toml" -o "$sw/c" --shard 2/2
check "sweep: malformed shard" 2 "" "--shard = 1of2: not a shard I/N" -- sweep "$sw/long.toml" -o "$sw/c" --shard 1of2
check "sweep: merge with --shard" 2 "" "" -- sweep --merge -o "$sw/c" "$sw/s0" --shard 0/2
check "sweep: two sweep files" 2 "" "one sweep file; several folders only with --merge" -- sweep "$sw/long.toml" "$sw/log.toml" -o "$sw/c"
truth "sweep: nothing written on bad shards" not test -e "$sw/c"

# Frontiers of sweep results (study/pareto.hpp): per option or system, any two outputs, a chart;
# a bad key, a missing folder and an incomplete sweep exit 2 and write nothing.
fr="$work/frontier"
mkdir -p "$fr"
check "frontier" 0 "option cpo: 10 points on the frontier" "" -- frontier "$sw/a"
check "frontier: per system, jsonl" 0 '"by": "system"' "" -- frontier "$sw/b" --by system --json
check "frontier: J/token against latency" 0 "" "" \
    -- frontier "$sw/a" "$sw/b" --x inter_token_latency_ms --y j_per_token --plot "$fr/latency.svg" -o "$fr/latency.txt"
truth "frontier: chart written" grep -q "<polyline" "$fr/latency.svg"
truth "frontier: table written" grep -Eq "j_per_token \(J/token, less is better\) against inter_token_latency_ms" "$fr/latency.txt"
check "frontier: unknown key" 2 "" '--y = "j_per_tokn": not a numeric output.*did you mean "j_per_token"' \
    -- frontier "$sw/a" --y j_per_tokn --plot "$fr/bad.svg"
check "frontier: unknown grouping" 2 "" '--by = "gpu"' -- frontier "$sw/a" --by gpu
check "frontier: no system axis" 2 "" "--by = system" -- frontier "$sw/a" --by system
check "frontier: missing folder" 2 "" "RESULTS = $fr/none: no such file or folder" -- frontier "$fr/none"
cp -r "$sw/a" "$fr/incomplete"
sed -i 's/"chunks_done": 1/"chunks_done": 0/' "$fr/incomplete/manifest.json"
check "frontier: incomplete sweep" 2 "" "manifest.json: chunks_done = 0: an incomplete sweep.*--resume" \
    -- frontier "$fr/incomplete" --plot "$fr/bad.svg"
truth "frontier: nothing written on bad input" not test -e "$fr/bad.svg"

check "sweep: catalog axis" 0 "40 design points x 5 options" "" -- sweep "$data/sweeps/laser-efficiency.toml" -o "$sw/l"
# An axis-free sweep of 1000 Monte Carlo draws: the drawn figures, by path, are the first columns.
check "sweep: Monte Carlo draws" 0 "1000 design points x 5 options" "" -- sweep "$data/sweeps/monte-carlo.toml" -o "$sw/mc"
truth "sweep: Monte Carlo, the drawn figures first" grep -q '^systems\.dgx_h100\.host_power_w_per_node,systems\.dgx_h100\.scale_up_switch_w_per_gpu,' "$sw/mc/part-00000.csv"
truth "sweep: Monte Carlo, 5000 rows" test "$(wc -l <"$sw/mc/part-00000.csv")" -eq 5001
check "sweep: photonic-core axis with accuracy" 0 "8 design points x 5 options" "" -- sweep "$data/sweeps/core-adc-bits.toml" -o "$sw/adc"
# Row 5 of each point is photonic_ffn_offload: its accuracy filled, the baseline's (row 1) empty;
# the ENOB (column 12: two axes, option, 8 figures) rises with the ADC's bits.
truth "sweep: photonic rows carry the accuracy" awk -F, 'NR == 1 && $12 != "offload_enob" { exit 1 }
    $3 == "baseline" && $12 != "" { exit 1 } $3 == "photonic_ffn_offload" && $12 == "" { exit 1 }' "$sw/adc/part-00000.csv"
truth "sweep: 4-bit ADC below 10-bit in ENOB" awk -F, '$3 == "photonic_ffn_offload" && $2 == 64 { e[$1] = $12 }
    END { exit !(e[4] < e[10]) }' "$sw/adc/part-00000.csv"
check "frontier: ENOB against J/token" 0 "option photonic_ffn_offload" "" -- frontier "$sw/adc" --x offload_enob --y j_per_token
printf 'scenario = "%s"\n[axes.p]\nkey = "catalog.systems.dgx_h100.puee"\nvalues = [1.2]\n' "$data/scenarios/default.toml" >"$sw/figure.toml"
check "sweep: unknown catalog figure" 2 "" "figure.toml:2: axes.p.key.*did you mean \"systems.dgx_h100.pue\", .*systems.toml:[0-9]+" -- sweep "$sw/figure.toml" -o "$sw/c"

# Inverse questions and Monte Carlo (docs/models/uncertainty.md).
check "solve" 0 "Answer: +1518\.1" "" -- solve --parameter systems.dgx_h100.host_power_w_per_node.typical --option lpo --saving-pct 1.7
check "solve: no value in range" 0 "no value in the range gives a 40 % saving" "" -- solve --parameter lasers.elsfp_vhp.wall_plug_efficiency --option cpo --saving-pct 40
check "solve json" 0 '"found": false' "" -- solve --parameter lasers.elsfp_vhp.wall_plug_efficiency --option cpo --saving-pct 40 --json
check "solve: unknown path" 2 "" "--parameter = \"systems.dgx_h100.pu\".*did you mean \"systems.dgx_h100.pue\"" -- solve --parameter systems.dgx_h100.pu --option lpo --saving-pct 1
check "solve: unknown option" 2 "" "--option = \"lpx\".*did you mean \"lpo\"" -- solve --parameter systems.dgx_h100.pue --option lpx --saving-pct 1
check "solve: range the catalog refuses" 2 "" "--range = 0.5.*a number in \[1, 3\]" -- solve --parameter systems.dgx_h100.pue --option lpo --saving-pct 1 --range 0.5,2
check "monte carlo" 0 "P\(beats baseline\)" "" -- estimate --monte-carlo 200
check "monte carlo json" 0 '"probability_beats_baseline": 1\.0' "" -- estimate --monte-carlo 200 --json --seed 3
check "monte carlo tornado" 0 "" "" -- estimate --monte-carlo 200 --tornado "$work/tornado.svg"
truth "monte carlo tornado: a bar per figure" grep -q 'links.dsp_pluggable_800g.published.module_power_w</text>' "$work/tornado.svg"
check "tornado without monte carlo" 2 "" "--tornado = .*without --monte-carlo" -- estimate --tornado "$work/t2.svg"
truth "tornado without monte carlo: nothing written" not test -e "$work/t2.svg"
check "monte carlo with --plot" 2 "" "--plot = .*no breakdown chart of a Monte Carlo report" -- estimate --monte-carlo 10 --plot "$work/mc.svg"
check "monte carlo: 0 draws" 2 "" "--monte-carlo = 0.*from 1 to 1000000" -- estimate --monte-carlo 0
check "monte carlo: seed alone" 2 "" "--seed = 3: a seed without --monte-carlo" -- estimate --seed 3

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

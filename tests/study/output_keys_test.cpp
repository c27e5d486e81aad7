// The output-key table (study/output_keys.hpp): every numeric column a sweep row carries has its
// unit and direction written down, in the rows' order, and an unknown key names the closest one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "input_error_of.hpp"
#include "lightwatt/study/output_keys.hpp"
#include "lightwatt/study/sweep_rows.hpp"

using namespace lightwatt;
using namespace lightwatt::study;
using lightwatt::testing::input_error_of;

TEST_CASE("output keys: exactly the numeric columns of a sweep row, in their order") {
    // The row's columns after the axes, less the text ones (option, announced, reason) and the flag.
    std::vector<std::string> numeric;
    for (const auto& c : output_columns_after_axes())
        if (c != "option" && c != "announced" && c != "feasible" && c != "reason") numeric.push_back(c);
    std::vector<std::string> table;
    for (const OutputKey& k : output_keys()) table.push_back(k.key);
    CHECK(table == numeric);
}

TEST_CASE("output keys: rates are better higher; energy, latency and the parts lower") {
    CHECK(output_key("tokens_per_s_per_user", "--x").better == Better::more);
    CHECK(output_key("tokens_per_s_per_megawatt", "--y").better == Better::more);
    CHECK(output_key("tokens_per_s", "--y").better == Better::more);
    CHECK(output_key("saving_vs_baseline_pct", "--y").better == Better::more);
    CHECK(output_key("j_per_token", "--y").better == Better::less);
    CHECK(output_key("inter_token_latency_ms", "--x").better == Better::less);
    CHECK(output_key("scale_out_optics_j_per_token", "--y").better == Better::less);
    // The offloaded GEMMs' accuracy: more signal and effective bits are better, less error.
    CHECK(output_key("offload_snr_db", "--x").better == Better::more);
    CHECK(output_key("offload_enob", "--x").better == Better::more);
    CHECK(output_key("offload_rel_rms_error", "--x").better == Better::less);
    CHECK(output_key("offload_enob", "--x").unit == "bits");
    CHECK(output_key("tokens_per_s_per_megawatt", "--y").unit == "tokens/s per MW");
    CHECK(axis_title(output_key("inter_token_latency_ms", "--x")) == "ms (inter_token_latency_ms)");
    const OutputKey& j = output_key("j_per_token", "--y");
    CHECK(at_least_as_good(j, 1.0, 2.0));
    CHECK_FALSE(at_least_as_good(j, 2.0, 1.0));
}

TEST_CASE("output keys: an unknown key is refused at its flag with the closest key") {
    const auto e =
        input_error_of([] { (void)output_key("tokens_per_second_per_user", "--y"); }, "tokens_per_second_per_user");
    CHECK(e.key == "--y");
    CHECK(e.problem.find("did you mean \"tokens_per_s_per_user\"") != std::string::npos);
    const auto option = input_error_of([] { (void)output_key("option", "--x"); }, "option");
    CHECK(option.problem.find("not a numeric output") != std::string::npos);
}

#include "lightwatt/study/sweep_results.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "lightwatt/core/error.hpp"
#include "lightwatt/core/untrusted_input.hpp"
#include "lightwatt/study/output_keys.hpp"
#include "lightwatt/study/sweep_manifest.hpp"

namespace lightwatt::study {

const ResultColumn* SweepResults::column(std::string_view name) const {
    for (const ResultColumn& c : columns)
        if (c.name == name) return &c;
    return nullptr;
}

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kRowsDoc = "the rows of `lightwatt sweep` (docs/sweep-file.md)";

bool is_output_key(std::string_view name) {
    for (const OutputKey& k : output_keys())
        if (k.key == name) return true;
    return false;
}

// Appends one file's rows to the table: finds or adds each column, and pads every column the
// row does not give, so all columns keep one value per row.
class RowSink {
public:
    RowSink(SweepResults& into, std::string file) : t_(into), file_(std::move(file)) {
        for (std::size_t i = 0; i < t_.columns.size(); ++i) index_.emplace(t_.columns[i].name, i);
        if (const auto f = index_.find("feasible"); f != index_.end()) feasible_ = f->second;
    }

    // The table's column for `name`, added (empty for the rows before) when new.
    std::size_t column(const std::string& name) {
        if (const auto found = index_.find(name); found != index_.end()) return found->second;
        ResultColumn c;
        c.name = name;
        c.numeric = is_output_key(name);
        if (c.numeric)
            c.numbers.assign(t_.rows, kMissing);
        else
            c.texts.assign(t_.rows, "");
        t_.columns.push_back(std::move(c));
        index_.emplace(name, t_.columns.size() - 1);
        if (name == "feasible") feasible_ = t_.columns.size() - 1;
        return t_.columns.size() - 1;
    }

    // A file's columns in order: those before "option" are the design point's axes.
    void header(const std::vector<std::string>& names) {
        for (const std::string& name : names) {
            if (name == "option") return;
            if (std::find(t_.axes.begin(), t_.axes.end(), name) == t_.axes.end()) t_.axes.push_back(name);
        }
    }

    void begin_row() { given_.assign(t_.columns.size(), false); }

    void set(std::size_t col, std::string_view text, int line) {
        if (given_.size() < t_.columns.size()) given_.resize(t_.columns.size(), false);
        if (given_[col]) throw error(line, t_.columns[col].name, std::string(text), "given twice in one row", "once");
        given_[col] = true;
        ResultColumn& c = t_.columns[col];
        if (c.numeric)
            c.numbers.push_back(number(text, c.name, line));
        else
            c.texts.emplace_back(text);
    }

    void end_row(int line) {
        if (given_.size() < t_.columns.size()) given_.resize(t_.columns.size(), false);
        for (std::size_t i = 0; i < t_.columns.size(); ++i) {
            if (given_[i]) continue;
            if (t_.columns[i].numeric)
                t_.columns[i].numbers.push_back(kMissing);
            else
                t_.columns[i].texts.emplace_back();
        }
        const ResultColumn* f = feasible_ < t_.columns.size() ? &t_.columns[feasible_] : nullptr;
        if (f == nullptr || !given_[feasible_])
            throw error(line, "feasible", "", "missing: not a row of a sweep", kRowsDoc);
        const std::string& flag = f->texts.back();
        if (flag != "true" && flag != "false") throw error(line, "feasible", flag, "not a flag", "true or false");
        t_.feasible.push_back(flag == "true" ? 1 : 0);
        ++t_.rows;
    }

    [[nodiscard]] InputError error(int line, const std::string& column, const std::string& value, std::string problem,
                                   std::string allowed) const {
        return InputError(
            {file_, line, column, "\"" + escaped_prefix(value) + "\"", std::move(problem), std::move(allowed)});
    }

private:
    double number(std::string_view text, const std::string& name, int line) const {
        if (text.empty()) return kMissing;
        double v = 0.0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
            throw error(line, name, std::string(text), "not a finite number",
                        "a number, or empty where a row has none");
        return v;
    }

    SweepResults& t_;
    std::string file_;
    std::unordered_map<std::string, std::size_t> index_;
    std::size_t feasible_ = static_cast<std::size_t>(-1);
    std::vector<bool> given_;
};

// One CSV record's fields (RFC 4180 quoting, as the sweep writes them: a field with a comma or a
// quote is quoted, quotes doubled). InputError at the line and field for a stray quote.
std::vector<std::string> csv_fields(std::string_view line, const RowSink& sink, int line_no) {
    std::vector<std::string> fields(1);
    std::size_t i = 0;
    while (i <= line.size()) {
        std::string& field = fields.back();
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size())
                    throw sink.error(line_no, "field " + std::to_string(fields.size()), field,
                                     "a quoted field not closed on its line", "a closing quote");
                if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                    field += '"';
                    i += 2;
                } else if (line[i] == '"') {
                    ++i;
                    break;
                } else {
                    field += line[i++];
                }
            }
            if (i < line.size() && line[i] != ',')
                throw sink.error(line_no, "field " + std::to_string(fields.size()), field,
                                 "text after a quoted field's closing quote", "a comma or the line's end");
        } else {
            while (i < line.size() && line[i] != ',') {
                if (line[i] == '"')
                    throw sink.error(line_no, "field " + std::to_string(fields.size()), field + '"',
                                     "a quote inside an unquoted field", "the whole field quoted, quotes doubled");
                field += line[i++];
            }
        }
        if (i >= line.size()) break;
        ++i;  // the comma
        fields.emplace_back();
        if (i == line.size()) break;
    }
    return fields;
}

// The lines of `text`, each without its '\n' (and a '\r' before it); no last empty line.
template <class F>
void for_each_line(std::string_view text, F&& f) {
    int line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        f(line, ++line_no);
        start = end + 1;
    }
}

void read_csv_rows(std::string_view text, const std::string& file, SweepResults& into) {
    RowSink sink(into, file);
    std::vector<std::size_t> slots;
    for_each_line(text, [&](std::string_view line, int line_no) {
        const std::vector<std::string> fields = csv_fields(line, sink, line_no);
        if (line_no == 1) {
            for (const std::string& name : fields) {
                for (const std::size_t s : slots)
                    if (into.columns[s].name == name)
                        throw sink.error(1, name, name, "a column named twice in the header", "distinct columns");
                slots.push_back(sink.column(name));
            }
            sink.header(fields);
            if (into.column("option") == nullptr || into.column("feasible") == nullptr)
                throw sink.error(1, "header", std::string(line.substr(0, 64)),
                                 "no option or feasible column: not a sweep's rows", kRowsDoc);
            return;
        }
        if (fields.size() != slots.size())
            throw sink.error(line_no, "row", std::string(line.substr(0, 64)),
                             std::to_string(fields.size()) + " fields, the header has " + std::to_string(slots.size()),
                             "one field per column");
        sink.begin_row();
        for (std::size_t i = 0; i < fields.size(); ++i) sink.set(slots[i], fields[i], line_no);
        sink.end_row(line_no);
    });
    if (text.empty()) throw sink.error(1, "header", "", "an empty file: no header", kRowsDoc);
}

// A JSON value of a row as the text a CSV cell would hold.
std::string cell_text(const nlohmann::ordered_json& v, const RowSink& sink, int line, const std::string& key) {
    if (v.is_null()) return "";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    throw sink.error(line, key, v.dump().substr(0, 64), "a list or an object",
                     "a number, a string, true, false or null");
}

void read_jsonl_rows(std::string_view text, const std::string& file, SweepResults& into) {
    RowSink sink(into, file);
    bool any = false;
    for_each_line(text, [&](std::string_view line, int line_no) {
        // Ordered: the keys' order is the columns' (the axes come first).
        try {
            check_nesting(line, file, Syntax::json);
        } catch (const InputError& e) {
            InputErrorDetails d = e.details();
            d.line = line_no;
            throw InputError(d);
        }
        nlohmann::ordered_json row;
        try {
            row = nlohmann::ordered_json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            throw sink.error(line_no, "row", std::string(line.substr(0, 64)), std::string("not JSON: ") + e.what(),
                             "one JSON object a line");
        }
        if (!row.is_object())
            throw sink.error(line_no, "row", std::string(line.substr(0, 64)), "not a JSON object", "one object a line");
        std::vector<std::string> keys;
        for (const auto& [key, value] : row.items()) {
            (void)sink.column(key);
            keys.push_back(key);
        }
        if (!any) sink.header(keys);
        if (!any && (into.column("option") == nullptr || into.column("feasible") == nullptr))
            throw sink.error(line_no, "row", std::string(line.substr(0, 64)),
                             "no option or feasible key: not a sweep's row", kRowsDoc);
        any = true;
        sink.begin_row();
        for (const auto& [key, value] : row.items())
            sink.set(sink.column(key), cell_text(value, sink, line_no, key), line_no);
        sink.end_row(line_no);
    });
}

// The format a file's name says: .csv or .jsonl.
RowFormat format_of(const std::filesystem::path& p) {
    const std::string ext = p.extension().string();
    if (ext == ".csv") return RowFormat::csv;
    if (ext == ".jsonl") return RowFormat::jsonl;
    throw InputError::at("RESULTS", p.string(), "neither a sweep folder nor a .csv or .jsonl file of rows",
                         "the -o folder of `lightwatt sweep`, or its rows as FILE.csv or FILE.jsonl");
}

void read_file(const std::filesystem::path& p, RowFormat format, SweepResults& into) {
    const std::string text = read_input_file(p, "a file of sweep rows (CSV or JSON lines)", kMaxCsvFileBytes);
    read_result_rows(text, format, p.string(), into);
    into.files.push_back(p.string());
}

void read_folder(const std::filesystem::path& dir, SweepResults& into) {
    const auto manifest_file = dir / "manifest.json";
    if (!std::filesystem::is_regular_file(manifest_file))
        throw InputError::at("RESULTS", dir.string(), "a folder without manifest.json: not a sweep's output",
                             "the -o folder of `lightwatt sweep`");
    const SweepManifest m = read_manifest(manifest_file);
    if (!m.complete())
        throw InputError({manifest_file.string(), 0, "chunks_done", std::to_string(m.chunks_done),
                          "an incomplete sweep: " + std::to_string(m.chunks - m.chunks_done) + " of its " +
                              std::to_string(m.chunks) + " chunks are missing (from " +
                              chunk_file_name(m.chunks_done, m.format) + ")",
                          "a complete sweep: run the same `lightwatt sweep` with --resume to complete it"});
    for (std::size_t c = 0; c < m.chunks; ++c) read_file(dir / chunk_file_name(c, m.format), m.format, into);
}

}  // namespace

void read_result_rows(std::string_view text, RowFormat format, const std::string& file, SweepResults& into) {
    if (format == RowFormat::csv)
        read_csv_rows(text, file, into);
    else
        read_jsonl_rows(text, file, into);
}

SweepResults read_sweep_results(const std::vector<std::filesystem::path>& paths) {
    SweepResults out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (std::filesystem::is_directory(p, ec))
            read_folder(p, out);
        else if (!std::filesystem::exists(p, ec))
            throw InputError::at("RESULTS", p.string(), "no such file or folder",
                                 "the -o folder of `lightwatt sweep`, or its rows as FILE.csv or FILE.jsonl");
        else
            read_file(p, format_of(p), out);
    }
    return out;
}

}  // namespace lightwatt::study

// Binds the calibration schema's fields (lightwatt/gpu/calibration_schema.hpp: key, kind,
// presence, range) to the members of interconnect's record types, with the unit each member's
// quantity is written in. A row type's bindings are one tuple; the JSON writer, the reader and
// the reader's list of allowed keys all walk it, so no key is spelled here.
#pragma once

#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "lightwatt/core/json_reader.hpp"
#include "lightwatt/gpu/calibration_schema.hpp"

namespace lightwatt::interconnect::detail {

namespace schema = calibration_schema;

// A quantity member (Q, or std::optional<Q> for a figure that may be unknown), written as a number
// in the key's unit: `from` makes the quantity of a number in that unit, `to` the reverse.
template <class Row, class Member, class Q>
struct QuantityField {
    const schema::Field* field;
    Member Row::*member;
    Q (*from)(double);
    double (*to)(Q);

    void write(const Row& row, nlohmann::json& j) const {
        const Member& v = row.*member;
        if constexpr (std::is_same_v<Member, Q>) {
            j[std::string(field->key)] = to(v);
        } else {
            if (field->presence == schema::Presence::when_given && !v) return;
            j[std::string(field->key)] = v ? nlohmann::json(to(*v)) : nlohmann::json(nullptr);
        }
    }
    void read(const JsonReader& r, Row& row) const {
        if (field->presence == schema::Presence::required) {
            row.*member = from(r.number(field->key, field->low, field->high));
            return;
        }
        if (const auto v = r.optional_number(field->key, field->low, field->high)) row.*member = from(*v);
    }
};

// A number that is a plain double of the record (a clock in MHz): written and read as it is.
template <class Row>
struct NumberField {
    const schema::Field* field;
    std::optional<double> Row::*member;

    void write(const Row& row, nlohmann::json& j) const {
        const auto& v = row.*member;
        if (field->presence == schema::Presence::when_given && !v) return;
        j[std::string(field->key)] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    }
    void read(const JsonReader& r, Row& row) const {
        row.*member = r.optional_number(field->key, field->low, field->high);
    }
};

// A whole number (a GEMM dimension, a count); an optional one absent reads as 0, or as unknown
// when its member is a std::optional (written only when known).
template <class Row, class Int>
struct IntegerField {
    const schema::Field* field;
    Int Row::*member;

    void write(const Row& row, nlohmann::json& j) const {
        const Int& v = row.*member;
        if constexpr (std::is_integral_v<Int>) {
            j[std::string(field->key)] = v;
        } else if (v) {
            j[std::string(field->key)] = *v;
        }
    }
    void read(const JsonReader& r, Row& row) const {
        if (field->presence != schema::Presence::required && !r.has(field->key)) return;
        const long long v =
            r.integer(field->key, static_cast<long long>(field->low), static_cast<long long>(field->high));
        if constexpr (std::is_integral_v<Int>) {
            row.*member = static_cast<Int>(v);
        } else {
            row.*member = static_cast<typename Int::value_type>(v);
        }
    }
};

template <class Row>
struct TextField {
    const schema::Field* field;
    std::string Row::*member;

    void write(const Row& row, nlohmann::json& j) const {
        if (field->presence == schema::Presence::when_given && (row.*member).empty()) return;
        j[std::string(field->key)] = row.*member;
    }
    void read(const JsonReader& r, Row& row) const {
        row.*member = r.text(field->key, field->presence == schema::Presence::required);
    }
};

template <class Row>
struct FlagField {
    const schema::Field* field;
    bool Row::*member;

    void write(const Row& row, nlohmann::json& j) const {
        if (field->presence == schema::Presence::when_given && !(row.*member)) return;
        j[std::string(field->key)] = row.*member;
    }
    void read(const JsonReader& r, Row& row) const { row.*member = r.boolean(field->key); }
};

template <class Row, class Member, class Q>
QuantityField<Row, Member, Q> quantity(const schema::Field& f, Member Row::*member, Q (*from)(double),
                                       double (*to)(Q)) {
    return {&f, member, from, to};
}
template <class Row>
NumberField<Row> number(const schema::Field& f, std::optional<double> Row::*member) {
    return {&f, member};
}
template <class Row, class Int>
IntegerField<Row, Int> integer(const schema::Field& f, Int Row::*member) {
    return {&f, member};
}
template <class Row>
TextField<Row> text(const schema::Field& f, std::string Row::*member) {
    return {&f, member};
}
template <class Row>
FlagField<Row> flag(const schema::Field& f, bool Row::*member) {
    return {&f, member};
}

// Every binding of a tuple writes its key of `row` into `j`.
template <class Row, class... Binding>
void write_fields(const std::tuple<Binding...>& bindings, const Row& row, nlohmann::json& j) {
    std::apply([&](const auto&... b) { (b.write(row, j), ...); }, bindings);
}

// Every binding of a tuple reads its key into `row`, in the tuple's order.
template <class Row, class... Binding>
void read_fields(const std::tuple<Binding...>& bindings, const JsonReader& r, Row& row) {
    std::apply([&](const auto&... b) { (b.read(r, row), ...); }, bindings);
}

// The keys of a schema table: what a reader of that part allows.
template <std::size_t N>
std::vector<std::string> keys_of(const std::array<schema::Field, N>& fields) {
    std::vector<std::string> out;
    for (const schema::Field& f : fields) out.emplace_back(f.key);
    return out;
}

// ... and the former names of its keys, still read.
template <std::size_t N, std::size_t M>
std::vector<std::string> keys_of(const std::array<schema::Field, N>& fields,
                                 const std::array<schema::Alias, M>& aliases) {
    std::vector<std::string> out = keys_of(fields);
    for (const schema::Alias& a : aliases) out.emplace_back(a.deprecated);
    return out;
}

}  // namespace lightwatt::interconnect::detail

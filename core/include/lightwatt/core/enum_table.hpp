// Enum <-> name in one table per enum, read in both directions, and an array indexed by an enum.
//
// Each named enum specialises EnumTable once, beside its declaration:
//
//   template <>
//   struct lightwatt::EnumTable<Colour> {
//       static constexpr auto entries = std::to_array<lightwatt::EnumEntry<Colour>>({
//           {Colour::red, "red"}, {Colour::green, "green"}});
//       static constexpr std::string_view noun = "colour";  // optional: "unknown colour" in messages
//   };
//
// The entries list the enumerators 0, 1, ..., n-1 in declaration order, each once, with distinct
// names; enum_count<E> checks that at compile time, and that no enumerator n follows, so the table
// cannot fall behind its enum. Everything else (names, parsing, counts, loops, breakdown arrays)
// is derived from the table.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "lightwatt/core/error.hpp"

namespace lightwatt {

template <class E>
struct EnumEntry {
    E value;
    std::string_view name;
};

template <class E>
struct EnumTable;

template <class E>
concept NamedEnum = std::is_enum_v<E> && !std::is_convertible_v<E, std::underlying_type_t<E>> &&  // scoped
                    requires {
    EnumTable<E>::entries;
};

namespace detail {

template <class E>
constexpr bool lists_enumerators_in_order() {
    const auto& entries = EnumTable<E>::entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (static_cast<std::size_t>(entries[i].value) != i || entries[i].name.empty()) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (entries[j].name == entries[i].name) return false;
    }
    return true;
}

// Whether the value V has an enumerator: GCC and Clang spell a named value by its name in
// __PRETTY_FUNCTION__ ("V = ns::E::last", Clang "V = (anonymous namespace)::E::last") and an
// unnamed one as a cast ("V = (ns::E)9", "V = ((anonymous namespace)::E)-1"): a cast's closing
// parenthesis is followed by the number, a namespace's by "::".
template <auto V>
constexpr bool has_enumerator() {
#if defined(__GNUC__) || defined(__clang__)
    constexpr std::string_view signature = __PRETTY_FUNCTION__;
    constexpr std::size_t at = signature.find("V = ");
    if (at == std::string_view::npos) return false;
    constexpr std::string_view value = signature.substr(at + 4);
    if (value.front() != '(') return true;
    constexpr std::size_t close = value.rfind(')');
    return close + 1 < value.size() && value[close + 1] == ':';
#else
    return false;  // no check on other compilers; the order check above still runs
#endif
}

}  // namespace detail

// The number of enumerators, from the table, checked against the enum.
template <NamedEnum E>
inline constexpr std::size_t enum_count = [] {
    constexpr std::size_t n = EnumTable<E>::entries.size();
    static_assert(detail::lists_enumerators_in_order<E>(),
                  "EnumTable<E>::entries must list the enumerators 0, 1, ... in order, with distinct names");
    static_assert(!detail::has_enumerator<static_cast<E>(n)>(), "EnumTable<E>::entries misses an enumerator");
    return n;
}();

template <NamedEnum E>
constexpr std::size_t enum_index(E e) {
    return static_cast<std::size_t>(e);
}

template <NamedEnum E>
constexpr std::string_view enum_name(E e) {
    return EnumTable<E>::entries[enum_index(e)].name;
}

template <NamedEnum E>
constexpr std::optional<E> enum_parse(std::string_view name) {
    for (const auto& entry : EnumTable<E>::entries)
        if (entry.name == name) return entry.value;
    return std::nullopt;
}

// Every enumerator in order, for loops over breakdowns.
template <NamedEnum E>
constexpr std::array<E, enum_count<E>> enum_values() {
    std::array<E, enum_count<E>> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = EnumTable<E>::entries[i].value;
    return out;
}

// Every name in order: the "allowed" list of messages and the candidates of "did you mean".
template <NamedEnum E>
const std::vector<std::string>& enum_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : EnumTable<E>::entries) out.emplace_back(entry.name);
        return out;
    }();
    return names;
}

// What a message calls a value of E ("unknown collective"); "value" unless the table says.
template <NamedEnum E>
constexpr std::string_view enum_noun() {
    if constexpr (requires { EnumTable<E>::noun; })
        return EnumTable<E>::noun;
    else
        return "value";
}

// The InputError for `given` at `key` when it names no enumerator of E: "unknown NOUN", with the
// one did-you-mean hint, allowing the table's names (InputError::unknown).
template <NamedEnum E>
InputError unknown_enum(std::string key, std::string_view given) {
    return InputError::unknown(std::move(key), given, enum_names<E>(), "unknown " + std::string(enum_noun<E>()));
}

// The enumerator named `given`, read at `key`; unknown_enum's InputError when there is none.
template <NamedEnum E>
E enum_parse_at(std::string key, std::string_view given) {
    if (const auto e = enum_parse<E>(given)) return *e;
    throw unknown_enum<E>(std::move(key), given);
}

// A fixed array with one element per enumerator, indexed by the enum itself.
template <NamedEnum E, class T>
struct EnumArray {
    std::array<T, enum_count<E>> items{};

    constexpr T& operator[](E e) { return items[enum_index(e)]; }
    constexpr const T& operator[](E e) const { return items[enum_index(e)]; }
    static constexpr std::size_t size() { return enum_count<E>; }
    constexpr auto begin() { return items.begin(); }
    constexpr auto end() { return items.end(); }
    constexpr auto begin() const { return items.begin(); }
    constexpr auto end() const { return items.end(); }
    friend constexpr bool operator==(const EnumArray&, const EnumArray&) = default;
};

// An EnumArray from one value per enumerator, in enum order; a missing or extra value does not
// compile (a plain std::array silently value-initialises the missing ones).
template <NamedEnum E, class T, std::size_t N>
constexpr EnumArray<E, T> make_enum_array(const T (&values)[N]) {
    static_assert(N == enum_count<E>, "one value per enumerator");
    EnumArray<E, T> out;
    for (std::size_t i = 0; i < N; ++i) out.items[i] = values[i];
    return out;
}

}  // namespace lightwatt

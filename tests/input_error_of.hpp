// Test helper: runs `action`, which must throw an InputError, and returns its details; fails the
// test (showing `input`) when nothing is thrown.
#pragma once

#include <string>

#include <doctest/doctest.h>

#include "lightwatt/core/error.hpp"

namespace lightwatt::testing {

template <class Action>
InputErrorDetails input_error_of(Action&& action, const std::string& input) {
    try {
        action();
    } catch (const InputError& e) {
        return e.details();
    }
    FAIL("expected an InputError for:\n" << input);
    return {};
}

}  // namespace lightwatt::testing

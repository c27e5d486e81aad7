#include "lightwatt/core/warning.hpp"

#include <cstdio>
#include <mutex>
#include <utility>

namespace lightwatt {
namespace {

void print_to_stderr(WarningKind, const std::string& message) {
    std::fprintf(stderr, "lightwatt: warning: %s\n", message.c_str());
}

std::mutex& handler_mutex() {
    static std::mutex m;
    return m;
}

WarningHandler& installed_handler() {
    static WarningHandler h = print_to_stderr;
    return h;
}

}  // namespace

WarningHandler set_warning_handler(WarningHandler handler) {
    std::lock_guard lock(handler_mutex());
    if (!handler) handler = print_to_stderr;
    return std::exchange(installed_handler(), std::move(handler));
}

void warn(WarningKind kind, const std::string& message) {
    WarningHandler handler;
    {
        std::lock_guard lock(handler_mutex());
        handler = installed_handler();
    }
    // Called outside the lock: a handler that waits for something (Python's GIL) must not hold
    // up a thread that holds that thing and wants to warn.
    handler(kind, message);
}

}  // namespace lightwatt

// Warnings: input that is accepted but should change (today: a key's deprecated spelling). Like
// errors, every warning goes through one handler, so each front end shows it its own way: the
// command line prints "lightwatt: warning: ..." on stderr (the default), Python raises a
// FutureWarning through its warnings module.
#pragma once

#include <functional>
#include <string>

namespace lightwatt {

// Receives one warning, a complete sentence ("FILE:LINE: KEY: ...").
using WarningHandler = std::function<void(const std::string& message)>;

// Installs `handler` for the whole process and returns the one it replaces. An empty handler
// restores the default (stderr).
WarningHandler set_warning_handler(WarningHandler handler);

// Sends `message` to the installed handler; safe from any thread.
void warn(const std::string& message);

}  // namespace lightwatt

// Warnings: input that is accepted but should change (a key's deprecated spelling), or that is
// valid but likely not what the user meant (a calibration measured on another GPU). Like errors,
// every warning goes through one handler, so each front end shows it its own way: the command line
// prints "lightwatt: warning: ..." on stderr (the default), Python raises a FutureWarning for a
// deprecation and a UserWarning otherwise, through its warnings module.
#pragma once

#include <functional>
#include <string>

namespace lightwatt {

enum class WarningKind { deprecated, suspicious_input };

// Receives one warning, a complete sentence ("FILE:LINE: KEY: ..."), and its kind.
using WarningHandler = std::function<void(WarningKind kind, const std::string& message)>;

// Installs `handler` for the whole process and returns the one it replaces. An empty handler
// restores the default (stderr).
WarningHandler set_warning_handler(WarningHandler handler);

// Sends `message` to the installed handler; safe from any thread.
void warn(WarningKind kind, const std::string& message);

}  // namespace lightwatt

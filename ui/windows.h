// SPDX-License-Identifier: MIT
#pragma once

#include "headless.h"

/** Shows the server window on the current QApplication and runs it; returns the exit code. */
int runServerWindow(const ServerOptions &options);
/** Shows a client window on the current QApplication and runs it; returns the exit code. */
int runClientWindow(const ClientOptions &options);

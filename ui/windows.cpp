// SPDX-License-Identifier: MIT
#include "windows.h"

#include <cstdio>

// Placeholder until the windows land: the programs run in the console.
int runServerWindow(const ServerOptions &)
{
    std::fputs("spread-server: the window is not built yet; run with --headless\n", stderr);
    return 2;
}

int runClientWindow(const ClientOptions &)
{
    std::fputs("echo-client: the window is not built yet; run with --headless\n", stderr);
    return 2;
}

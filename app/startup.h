// SPDX-License-Identifier: MIT
#pragma once

#include <QIcon>

#include "console/options.h"

/** Shows the server window on the current QApplication and runs it; returns the exit code. */
int runServerWindow(const ServerOptions &options);
/** Shows a client window on the current QApplication and runs it; returns the exit code. */
int runClientWindow(const ClientOptions &options);

/**
 * Loads the user interface's translation for the system locale (and Qt's
 * own, for the standard dialogs) into the current application. Returns the
 * language loaded, e.g. "zh_CN", or an empty string for English.
 */
QString installTranslations();

/** The icon of @p name, "spread-server" or "echo-client", in every size we ship. */
QIcon appIcon(const QString &name);

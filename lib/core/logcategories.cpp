// SPDX-License-Identifier: MIT
#include "core/logcategories.h"

Q_LOGGING_CATEGORY(lcEngine, "spread.engine")
Q_LOGGING_CATEGORY(lcServer, "spread.server")
Q_LOGGING_CATEGORY(lcCluster, "spread.cluster")
Q_LOGGING_CATEGORY(lcClient, "spread.client")
Q_LOGGING_CATEGORY(lcConsole, "spread.console")

// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// lib's diagnostics, one category per room; turn them on with, for example,
// QT_LOGGING_RULES="spread.engine.debug=true". (What the programs log about
// clients is their log, not these: see lib/log.) The windows' is spread.ui
// (ui/widgets/uilogging.h).
Q_DECLARE_LOGGING_CATEGORY(lcEngine)    // spread.engine: SessionEngine
Q_DECLARE_LOGGING_CATEGORY(lcServer)    // spread.server: SpreadServer's rules
Q_DECLARE_LOGGING_CATEGORY(lcCluster)   // spread.cluster: ClusterBridge and its NATS worker
Q_DECLARE_LOGGING_CATEGORY(lcClient)    // spread.client: EchoClient
Q_DECLARE_LOGGING_CATEGORY(lcConsole)   // spread.console: the command lines and the console programs

// SPDX-License-Identifier: MIT
#pragma once

#include "cluster/clusterbridge.h"
#include "core/echoclient.h"
#include "core/settinglimits.h"
#include "core/spreadserver.h"
#include "log/logformat.h"
#include "rules/ruleset.h"
#include "rules/savedmessages.h"

#include <QHostAddress>
#include <QSslConfiguration>
#include <QStringList>

#include <optional>

/*
 * The command lines of spread-server and echo-client, shared by the headless
 * programs here and by the windows, and the headless programs themselves.
 *
 * The parsers print --help and --version to stdout and errors to stderr;
 * when the program should end right away they return its exit code
 * (ExitOk after help or version, ExitUsage for a bad option or value).
 * Defaults and ranges of the numeric options: core/settinglimits.h.
 */

/** The programs' names: their messages ("spread-server: bad value ..."), --version, application name and icon. */
inline const QString ServerProgram = QStringLiteral("spread-server");
inline const QString ClientProgram = QStringLiteral("echo-client");

/** The programs' exit codes, as the README lists them. */
enum ExitCode {
    ExitOk = 0,
    ExitFailure = 1,   ///< cannot run: port in use, connection failed or lost (without --reconnect)
    ExitUsage = 2,     ///< bad option or value, or a feature this build lacks (--nats without NATS)
};


struct ServerOptions
{
    bool headless = false;
    QHostAddress bind { QHostAddress::Any };
    quint16 port = SpreadServer::DefaultPort;
    SpreadServer::Settings settings;
    bool quiet = false;
    Log::Format logFormat = Log::Format::Text;
    QSslConfiguration tls;       ///< null: plain TCP
    QString logFile;             ///< also append the log here
    ClusterBridge::Settings cluster;   ///< urls empty: no cluster (--nats, --domain, --server-id, --nats-buffer)
    std::optional<RuleSet> rules;      ///< --rules FILE, loaded and checked
    QString captureFile;               ///< --capture FILE; empty: no capture
    qint64 captureMaxBytes = Limits::CaptureMaxBytes.defaultValue;
    QStringList explicitlySet;   ///< long names given on the command line
};

struct ClientOptions
{
    bool headless = false;
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = quint16(Limits::ClientPort.defaultValue);
    int intervalMs = int(Limits::Interval.defaultValue);
    bool periodic = true;
    QString messageTemplate = EchoClient::defaultTemplate();
    EchoClient::LineEnding lineEnding = EchoClient::LineEnding::Lf;   ///< in line framing
    Framing framing;
    int count = int(Limits::Count.defaultValue);   ///< 0: no limit
    bool reconnect = false;
    int flushDelayMs = int(Limits::ClientFlushMs.defaultValue);
    bool tls = false;
    QSslConfiguration tlsConfiguration = QSslConfiguration::defaultConfiguration();
    std::optional<RuleSet> rules;          ///< --rules FILE, loaded and checked
    QList<SavedMessage> sendList;          ///< --send-file FILE: sent in order once connected
    QString replayFile;                    ///< --replay FILE: send what was recorded instead (console only)
    double replaySpeed = 1;                ///< --speed: recorded gaps divided by this; 0: no gaps
    QStringList replayClients;             ///< --from-client: recorded ids, or "all"; empty: the only one
    QStringList explicitlySet;
};

/** True if @p arguments ask for no window: --headless, --replay, or --help / --version (checked before any QCoreApplication exists). */
bool wantsHeadless(int argc, char **argv);

std::optional<int> parseServerOptions(const QStringList &arguments, ServerOptions *options);
std::optional<int> parseClientOptions(const QStringList &arguments, ClientOptions *options);

/** Runs the console server on the current QCoreApplication; returns the exit code. */
int runHeadlessServer(const ServerOptions &options);
int runHeadlessClient(const ClientOptions &options);

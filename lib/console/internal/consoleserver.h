// SPDX-License-Identifier: MIT
#pragma once

#include "console/options.h"
#include "signalwatcher.h"
#include "stdinreader.h"
#include "log/logfilewriter.h"
#include "log/serverlog.h"
#include "rules/rulerunner.h"
#include "capture/capture.h"

#include <QObject>

#include <memory>

/**
 * spread-server --headless: the server, its log on stdout (and --log-file),
 * the operator's commands on stdin and a graceful stop on SIGINT/SIGTERM.
 *
 * Commands, one a line: TEXT goes to every client; /send ID TEXT to one;
 * /drop ID [REASON]; /list (clients and counters); /peers (the cluster's
 * servers); /rules (each rule and its hits); /quit. What is typed is a
 * MessageTemplate ({counter}, {time}, {client}: each client its own id).
 */
class ConsoleServer : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleServer(const ServerOptions &options, QObject *parent = nullptr);
    ~ConsoleServer() override;

    /** Listens, joins the cluster if asked, and runs the event loop; returns the exit code. */
    int run();

private:
    bool openLogFile();
    bool listen();
    bool joinCluster();
    bool startCapture();
    void write(const Log::Event &event);
    void onStopped();
    void onSignal();
    void onCommand(const QByteArray &line);
    void sendCommand(const QString &arguments);
    void dropCommand(const QString &arguments);
    void listClients() const;
    void listServers() const;

    ServerOptions m_options;
    Capture m_capture;   // before the server: it sees the server's last sessions end
    SpreadServer m_server;
    RuleRunner m_rules { &m_server };
    ServerLog m_log { &m_server };
    LogFileWriter m_logFile;
    std::unique_ptr<ClusterBridge> m_bridge;
    StdinReader m_input;
    SignalWatcher m_signals;
    int m_signalsSeen = 0;
    quint64 m_typedSent = 0;   // {counter} of what the operator types
    QByteArray m_line;   // the line being written, reused (see write())
};

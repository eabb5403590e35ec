// SPDX-License-Identifier: MIT
#pragma once

#include "console/options.h"
#include "signalwatcher.h"
#include "stdinreader.h"
#include "core/echoclient.h"
#include "log/clientlog.h"
#include "rules/rulerunner.h"
#include "rules/savedmessages.h"

#include <QList>
#include <QObject>

/**
 * echo-client --headless: the seed's client in the console. Prints the
 * seed's status lines and what arrives (ClientLog, without times, as the
 * seed did), sends what is typed on stdin and the periodic message, and
 * ends when --count is reached, stdin ends with nothing periodic to do (and
 * --send-file is sent), or on SIGINT/SIGTERM after delivering what is queued.
 * Its --rules answer the server; /rules prints their hits.
 */
class ConsoleClient : public QObject
{
    Q_OBJECT

public:
    explicit ConsoleClient(const ClientOptions &options, QObject *parent = nullptr);

    /** Connects and runs the event loop; returns the exit code. */
    int run();

private:
    void onConnected();
    void onSent(bool periodic);
    void onConnectionEnded();
    void onLineTyped(const QByteArray &line);
    void onInputFinished();
    void onSignal();
    /** Ends the run once everything asked for is sent. */
    void finishIfDone();

    ClientOptions m_options;
    EchoClient m_client;
    RuleRunner m_rules { &m_client };
    ClientLog m_log { &m_client };
    MessageSequence *m_sendFile = nullptr;   // --send-file, started once connected
    bool m_sendFileDone = true;
    quint64 m_typedSent = 0;                 // {counter} of what is typed
    StdinReader m_input;
    SignalWatcher m_signals;
    QList<MessageTemplate> m_pendingInput;   // typed before the connection was up
    bool m_inputDone = false;
    bool m_finishing = false;           // we decided to end; a lost connection then means success
};

/** echo-client --replay: reads the file, picks the clients (--from-client), replays them (Replayer); returns the exit code. */
int runReplay(const ClientOptions &options);

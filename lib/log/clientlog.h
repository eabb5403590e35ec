// SPDX-License-Identifier: MIT
#pragma once

#include "core/echoclient.h"
#include "log/event.h"

#include <QObject>

/**
 * The client's log: listens to an EchoClient and turns what it signals into
 * finished Log::Events, the seed's status lines among them ("Start to
 * Connect...", "Lost connection. Reason: ..."). The console client and the
 * client window are its sinks; nobody else makes a log line of the client.
 */
class ClientLog : public QObject
{
    Q_OBJECT

public:
    explicit ClientLog(EchoClient *client, QObject *parent = nullptr);

    EchoClient *client() const { return m_client; }

    /** A problem of the program around the client (its rules, a file): a warning line. */
    void warn(const QString &text);

signals:
    void logged(const Log::Event &event);

private:
    void log(Log::What what);

    EchoClient *m_client;
};

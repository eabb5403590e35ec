// SPDX-License-Identifier: MIT
#include "log/clientlog.h"

ClientLog::ClientLog(EchoClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    connect(client, &EchoClient::connecting, this,
            [this](const QString &host, quint16 port) { log(Log::Connecting { host, port }); });
    connect(client, &EchoClient::connected, this, [this] {
        log(Log::ConnectedToServer { m_client->host(), m_client->port() });
        if (m_client->isTlsEnabled())
            log(Log::ServerCertificate { m_client->peerCertificateSummary() });
    });
    connect(client, &EchoClient::connectionFailed, this, [this](const QString &reason) { log(Log::ConnectFailed { reason }); });
    connect(client, &EchoClient::connectionLost, this, [this](const QString &reason) { log(Log::ConnectionLost { reason }); });
    connect(client, &EchoClient::reconnectScheduled, this, [this](int delayMs) { log(Log::Reconnecting { delayMs }); });
    connect(client, &EchoClient::messageReceived, this, [this](const QByteArray &message, const QString &tag) {
        log(Log::FromServer { message, m_client->framing().isBinary(), tag });
    });
    connect(client, &EchoClient::messageSent, this,
            [this](const QByteArray &message, bool periodic, const MessageCause &cause) {
                log(Log::ToServer { message, periodic, m_client->framing().isBinary(), cause });
            });
    connect(client, &EchoClient::warning, this, &ClientLog::warn);
}

void ClientLog::warn(const QString &text)
{
    log(Log::Warning { text });
}

void ClientLog::log(Log::What what)
{
    emit logged(Log::now(std::move(what)));
}

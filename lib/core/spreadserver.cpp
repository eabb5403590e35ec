// SPDX-License-Identifier: MIT
#include "core/spreadserver.h"

#include <algorithm>

#include "core/reasons.h"

using namespace Qt::Literals::StringLiterals;

QString SpreadServer::defaultWelcome()
{
    // The seed's greeting, word for word.
    return u"欢迎来到Spread Site, 你是第%1个客户端用户!"_s;
}

SpreadServer::SpreadServer(QObject *parent)
    : QObject(parent)
    , m_engine(new SessionEngine(this))
{
    applyLimits();
    splitWelcome();
    connect(m_engine, &SessionEngine::sessionOpened, this, &SpreadServer::onSessionOpened);
    connect(m_engine, &SessionEngine::messageReceived, this, &SpreadServer::onMessage);
    connect(m_engine, &SessionEngine::sessionClosed, this, &SpreadServer::onSessionClosed);
    connect(m_engine, &SessionEngine::handshakeFailed, this, &SpreadServer::clientRefused);
    // A TLS client from outside --allow is turned away before its handshake (no words
    // reach it then: the refusal line needs the TLS session it is denied).
    m_engine->setTlsAdmission([this](const QHostAddress &address) {
        return isAllowed(address) ? QString() : QString(Reasons::NotAllowed);
    });
    connect(m_engine, &SessionEngine::acceptFailed, this, [this](const QString &reason) {
        emit warning(QString(Reasons::CannotAccept).arg(reason));
    });
    connect(m_engine, &SessionEngine::drained, this, [this] {
        m_stopping = false;
        emit stopped();
    });
}

void SpreadServer::setSettings(const Settings &settings)
{
    const bool counted = m_settings.maxPerAddress > 0;
    const bool reframed = !(settings.framing == m_settings.framing);
    m_settings = settings;
    applyLimits();
    splitWelcome();
    if (reframed)
        emit framingChanged();
    // Clients are counted by address only while there is a limit to check (a hash
    // of an address per connect and disconnect): a limit set later counts who is here.
    if (m_settings.maxPerAddress == 0) {
        m_perAddress.clear();
    } else if (!counted) {
        const QList<ClientId> ids = m_engine->sessionIds();
        for (ClientId id : ids)
            ++m_perAddress[m_engine->sessionInfo(id).address];
    }
}

void SpreadServer::setRelay(bool relay)
{
    m_settings.relay = relay;
}

void SpreadServer::setWelcome(const QString &welcome)
{
    m_settings.welcome = welcome;
    splitWelcome();
}

void SpreadServer::splitWelcome()
{
    // The parts between the "%1"s, as QString::replace() would see them.
    m_welcomeParts.clear();
    if (m_settings.welcome.isEmpty())
        return;
    const QByteArray text = m_settings.welcome.toUtf8();
    qsizetype from = 0;
    for (qsizetype at; (at = text.indexOf("%1", from)) >= 0; from = at + 2)
        m_welcomeParts.append(text.mid(from, at - from));
    m_welcomeParts.append(text.mid(from));
}

void SpreadServer::applyLimits()
{
    SessionEngine::Limits limits = m_engine->limits();
    limits.maxMessageBytes = m_settings.maxMessageBytes;
    limits.maxBacklogBytes = m_settings.maxBacklogBytes;
    limits.flushDelayMs = m_settings.flushDelayMs;
    limits.tlsHandshakeTimeoutMs = m_settings.tlsHandshakeTimeoutMs;
    limits.maxHandshakes = m_settings.maxHandshakes;
    limits.framing = m_settings.framing;
    m_engine->setLimits(limits);
}

bool SpreadServer::listen(const QHostAddress &address, quint16 port)
{
    if (m_engine->isListening())
        return true;
    if (!m_engine->listen(address, port))
        return false;
    emit listeningChanged(true);
    return true;
}

void SpreadServer::stop(const QString &reason)
{
    const bool wasListening = m_engine->isListening();
    m_stopping = true;
    m_engine->closeAll(reason.isEmpty() ? QString(Reasons::ServerStopped) : reason);
    if (wasListening)
        emit listeningChanged(false);
    if (m_engine->socketCount() == 0 && m_stopping) {
        // Nothing to drain: the engine had no socket to wait for.
        m_stopping = false;
        emit stopped();
    }
}

QByteArray SpreadServer::welcomeLine(int count) const
{
    if (!m_settings.welcomeBytes.isEmpty())
        return m_settings.welcomeBytes;
    // Text cannot be a frame of a device's binary protocol: off in those framings.
    if (m_welcomeParts.isEmpty() || m_settings.framing.isBinary())
        return {};
    const QByteArray number = QByteArray::number(count);
    QByteArray line = m_welcomeParts.first();
    for (qsizetype i = 1; i < m_welcomeParts.size(); ++i)
        line += number + m_welcomeParts[i];
    return line + m_settings.framing.suffix();
}

bool SpreadServer::isCloseCommand(QByteArrayView message)
{
    while (!message.isEmpty() && QChar::isSpace(uchar(message.back())))
        message.chop(1);
    return message == "close"_ba;
}

bool SpreadServer::isAllowed(const QHostAddress &address) const
{
    return m_settings.allowed.isEmpty()
            || std::any_of(m_settings.allowed.cbegin(), m_settings.allowed.cend(),
                           [&address](const auto &subnet) { return address.isInSubnet(subnet); });
}

QString SpreadServer::refusalFor(const QHostAddress &address) const
{
    if (!isAllowed(address))
        return Reasons::NotAllowed;
    // This connection is already counted by the engine.
    if (m_engine->sessionCount() > m_settings.maxClients)
        return Reasons::ServerFull;
    if (m_settings.maxPerAddress > 0 && m_perAddress.value(address) >= m_settings.maxPerAddress)
        return QString(Reasons::TooManyConnectionsFrom).arg(address.toString());
    return {};
}

void SpreadServer::onSessionOpened(ClientId id, const QHostAddress &address, quint16 port)
{
    const QString refusal = refusalFor(address);
    if (!refusal.isEmpty()) {
        // One line saying why (text framings), then a graceful close so that the line arrives.
        if (!m_settings.framing.isBinary())
            m_engine->send(id, refusal.toUtf8() + m_settings.framing.suffix());
        m_refusing = id;
        m_engine->closeSession(id, refusal);
        m_refusing = 0;
        emit clientRefused(address, port, refusal);
        return;
    }
    if (m_settings.maxPerAddress > 0)
        ++m_perAddress[address];
    const int count = m_engine->sessionCount();
    m_engine->send(id, welcomeLine(count));
    emit clientConnected(id, address, port, count);
}

void SpreadServer::onMessage(ClientId id, const QByteArray &message)
{
    if (isCloseCommand(message)) {
        // The seed's rule: drop the sender, then pass the word on to the others.
        emit messageReceived(id, message, 0, QString());
        m_engine->closeSession(id, Reasons::ClientSentClose);
        // In text framings the word itself; a binary frame goes on as it came.
        m_engine->sendToAll(m_settings.framing.isBinary() ? QByteArrayView(message) : QByteArrayView("close"), id,
                            m_settings.framing.suffix());
        return;
    }
    const Verdict verdict = m_hook ? m_hook->inspect(id, message) : Verdict {};
    const bool relay = m_settings.relay && verdict.relay;
    // Copied once, straight into the engine's shared output, with its frame ending.
    const int receivers = relay ? m_engine->sendToAll(message, id, m_settings.framing.suffix()) : 0;
    emit messageReceived(id, message, receivers, verdict.tag);
    if (relay)
        emit messageRelayed(id, message);
    if (m_hook)
        m_hook->act();
}

void SpreadServer::onSessionClosed(ClientId id, const QString &reason)
{
    if (id == m_refusing)
        return;
    if (m_settings.maxPerAddress > 0) {
        const auto it = m_perAddress.find(m_engine->sessionInfo(id).address);
        if (it != m_perAddress.end() && --it.value() <= 0)
            m_perAddress.erase(it);
    }
    emit clientDisconnected(id, reason, m_engine->sessionCount());
}

std::optional<QByteArray> SpreadServer::encode(const QByteArray &message)
{
    QString error;
    std::optional<QByteArray> framed = m_settings.framing.encode(message, &error);
    if (!framed)
        emit warning(QString(Reasons::CannotFrame).arg(error));
    return framed;
}

int SpreadServer::sendToAll(const QByteArray &message, const MessageCause &cause)
{
    const std::optional<QByteArray> framed = encode(message);
    if (!framed)
        return 0;
    const int receivers = m_engine->sendToAll(*framed, 0, m_settings.framing.suffix());
    emit messageSent(0, *framed, receivers, cause);
    return receivers;
}

bool SpreadServer::sendTo(ClientId id, const QByteArray &message, const MessageCause &cause)
{
    if (!m_engine->contains(id))
        return false;
    const std::optional<QByteArray> framed = encode(message);
    if (!framed || !m_engine->send(id, *framed + m_settings.framing.suffix()))
        return false;
    emit messageSent(id, *framed, 1, cause);
    return true;
}

int SpreadServer::sendTemplate(const MessageTemplate &message, quint64 sequence, const QList<ClientId> &to,
                               const MessageCause &cause)
{
    MessageTemplate::Context context;
    context.sequence = sequence;
    if (!message.usesClient()) {
        const QByteArray bytes = message.expand(context);
        if (to.isEmpty())
            return sendToAll(bytes, cause);
        int receivers = 0;
        for (ClientId id : to)
            receivers += sendTo(id, bytes, cause) ? 1 : 0;
        return receivers;
    }
    // Each receiver its own id: one message per client, all expanded at the same moment.
    context.now = QDateTime::currentDateTime();
    int receivers = 0;
    for (ClientId id : to.isEmpty() ? m_engine->sessionIds() : to) {
        context.client = id;
        receivers += sendTo(id, message.expand(context), cause) ? 1 : 0;
    }
    return receivers;
}

bool SpreadServer::dropClient(ClientId id, const QString &reason)
{
    return m_engine->closeSession(id, reason.isEmpty() ? QString(Reasons::DroppedByTheServer)
                                                       : QString(Reasons::DroppedByTheServerBecause).arg(reason));
}

int SpreadServer::deliverRemote(const QByteArrayList &messages)
{
    const QByteArray suffix = m_settings.framing.suffix();
    qsizetype size = 0;
    for (const QByteArray &message : messages)
        size += message.size() + suffix.size();
    QByteArray lines;
    lines.reserve(size);
    for (const QByteArray &message : messages)
        lines.append(message).append(suffix);
    return m_engine->sendToAll(lines);
}

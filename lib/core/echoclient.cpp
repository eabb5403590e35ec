// SPDX-License-Identifier: MIT
#include "core/echoclient.h"

#include <QCoreApplication>
#include <QDateTime>

#include "core/reasons.h"
#include "core/settinglimits.h"

using namespace Qt::Literals::StringLiterals;

EchoClient::EchoClient(QObject *parent)
    : QObject(parent)
    , m_programName(QCoreApplication::applicationName())
{
    createSocket();
    m_periodic.setInterval(int(Limits::Interval.defaultValue));
    m_quiet.setSingleShot(true);
    m_reconnect.setSingleShot(true);
    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(Limits::ConnectTimeoutMs);

    connect(&m_periodic, &QTimer::timeout, this, &EchoClient::sendPeriodic);
    connect(&m_quiet, &QTimer::timeout, this, &EchoClient::onQuiet);
    connect(&m_reconnect, &QTimer::timeout, this, &EchoClient::startConnecting);
    connect(&m_connectTimeout, &QTimer::timeout, this, &EchoClient::onConnectTimeout);
}

EchoClient::~EchoClient()
{
    // No signals into a half-destroyed object.
    m_socket->disconnect(this);
}

void EchoClient::createSocket()
{
    m_socket = new QSslSocket(this);
    // With TLS the connection is ready once encrypted, not once connected.
    connect(m_socket, &QTcpSocket::connected, this, [this] {
        // Each message goes when it is sent, as the server's do (TCP_NODELAY): Nagle's algorithm
        // would hold a message until the server acknowledged the one before, which a relay
        // that sends this client nothing does only after its delayed-ACK timer, and a replay's
        // gaps or a timed send would be off by up to that.
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (m_socket->mode() == QSslSocket::UnencryptedMode)
            onConnected();
    });
    connect(m_socket, &QSslSocket::encrypted, this, &EchoClient::onConnected);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &error : errors)
            texts.append(error.errorString());
        m_pendingReason = tr("certificate refused: %1").arg(texts.join(u"; "_s));
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &EchoClient::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &EchoClient::onDisconnected);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &EchoClient::onError);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() == 0)
            emit allWritten();
    });
}

void EchoClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void EchoClient::connectToServer(const QString &host, quint16 port)
{
    m_reconnect.stop();
    if (m_state == State::Connecting || m_state == State::Connected || m_state == State::Closing) {
        m_socket->disconnect(this);   // replace the old connection quietly
        m_socket->abort();
        m_socket->deleteLater();
        createSocket();
    }
    m_host = host;
    m_port = port;
    m_userClosing = false;
    m_nextDelayMs = m_firstDelayMs;
    startConnecting();
}

void EchoClient::startConnecting()
{
    m_framer.clear();
    m_pendingReason.clear();
    setState(State::Connecting);
    emit connecting(m_host, m_port);
    m_connectTimeout.start();
    if (m_tlsEnabled) {
        m_socket->setSslConfiguration(m_tlsConfiguration);
        m_socket->connectToHostEncrypted(m_host, m_port);
    } else {
        m_socket->connectToHost(m_host, m_port);
    }
}

void EchoClient::disconnectFromServer(const QString &reason)
{
    m_userClosing = true;
    switch (m_state) {
    case State::Unconnected:
    case State::Closing:
        return;
    case State::WaitingToReconnect:
        m_reconnect.stop();
        setState(State::Unconnected);
        return;
    case State::Connecting:
        m_socket->abort();
        endConnection(tr("cancelled"), false);
        return;
    case State::Connected:
        m_pendingReason = reason.isEmpty() ? tr("closed by the client") : reason;
        setState(State::Closing);
        m_periodic.stop();
        m_socket->disconnectFromHost();   // writes what is queued first
        return;
    }
}

void EchoClient::abort()
{
    m_userClosing = true;
    m_reconnect.stop();
    const State state = m_state;
    if (state == State::WaitingToReconnect)
        setState(State::Unconnected);
    if (state != State::Connecting && state != State::Connected && state != State::Closing)
        return;
    m_pendingReason = tr("closed by the client");
    m_socket->abort();
    if (m_state == state)   // abort() signals disconnected() only for a connected socket
        endConnection(m_pendingReason, state != State::Connecting);
}

QByteArray EchoClient::lineEndingBytes(LineEnding ending)
{
    switch (ending) {
    case LineEnding::Lf:
        return "\n"_ba;
    case LineEnding::CrLf:
        return "\r\n"_ba;
    case LineEnding::None:
        break;
    }
    return {};
}

bool EchoClient::send(const QByteArray &message, const MessageCause &cause)
{
    return write(message, false, cause);
}

bool EchoClient::sendTemplate(const MessageTemplate &message, quint64 sequence, const MessageCause &cause)
{
    if (message.usesClient()) {
        emit warning(MessageTemplate::noClientHere());
        return false;
    }
    MessageTemplate::Context context;
    context.sequence = sequence;
    context.program = m_programName;
    return write(message.expand(context), false, cause);
}

bool EchoClient::write(const QByteArray &message, bool periodic, const MessageCause &cause)
{
    if (m_state != State::Connected)
        return false;
    QString error;
    const std::optional<QByteArray> framed = m_framing.encode(message, &error);
    if (!framed) {
        emit warning(QString(Reasons::CannotFrame).arg(error));
        return false;
    }
    // In line framing the ending is the user's choice (the seed's client sends none).
    const bool line = m_framing.kind == Framing::Kind::Line;
    m_socket->write(*framed + (line ? lineEndingBytes(m_lineEnding) : m_framing.suffix()));
    if (periodic)
        ++m_periodicSent;
    emit messageSent(*framed, periodic, cause);
    return true;
}

void EchoClient::setMaxMessageBytes(qsizetype bytes)
{
    m_maxMessageBytes = bytes;
    m_framer.setMaxLength(bytes);
}

void EchoClient::setFraming(const Framing &framing)
{
    if (framing == m_framing)
        return;
    m_framing = framing;
    m_quiet.stop();
    m_framer = Framer(m_framing, m_maxMessageBytes);   // an unfinished frame of the old framing means nothing now
}

void EchoClient::setPeriodicEnabled(bool enabled)
{
    m_periodicEnabled = enabled;
    if (enabled && m_state == State::Connected)
        m_periodic.start();
    else if (!enabled)
        m_periodic.stop();
}

void EchoClient::setInterval(int ms)
{
    m_periodic.setInterval(qMax(1, ms));
}

void EchoClient::setMessageTemplate(const QString &text)
{
    m_template = text;
    m_templateError.clear();
    m_compiledTemplate = MessageTemplate::parse(text, MessageTemplate::Syntax::Seed, &m_templateError);
    if (m_compiledTemplate && m_compiledTemplate->usesClient()) {
        m_compiledTemplate.reset();
        m_templateError = MessageTemplate::noClientHere();
    }
}

QByteArray EchoClient::expandTemplate() const
{
    if (!m_compiledTemplate)
        return {};
    MessageTemplate::Context context;
    context.sequence = quint64(m_periodicSent) + 1;
    context.program = m_programName;
    return m_compiledTemplate->expand(context);
}

void EchoClient::sendPeriodic()
{
    if (!m_compiledTemplate) {
        emit warning(tr("periodic message not sent: %1").arg(m_templateError));
        return;
    }
    write(expandTemplate(), true);
}

void EchoClient::deliver(const QByteArray &message)
{
    const Verdict verdict = m_hook ? m_hook->inspect(0, message) : Verdict {};
    emit messageReceived(message, verdict.tag);
    if (m_hook)
        m_hook->act();
}

void EchoClient::setAutoReconnect(bool enabled)
{
    m_autoReconnect = enabled;
    if (!enabled && m_state == State::WaitingToReconnect) {
        m_reconnect.stop();
        setState(State::Unconnected);
    }
}

void EchoClient::setReconnectDelays(int firstMs, int maxMs)
{
    m_firstDelayMs = qMax(1, firstMs);
    m_maxDelayMs = qMax(m_firstDelayMs, maxMs);
    m_nextDelayMs = m_firstDelayMs;
}

void EchoClient::onConnected()
{
    m_connectTimeout.stop();
    m_nextDelayMs = m_firstDelayMs;   // backoff starts over after a success
    m_lastReason.clear();
    setState(State::Connected);
    emit connected();
    if (m_periodicEnabled)
        m_periodic.start();
}

void EchoClient::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    const auto status = m_framer.feed(data, [this](QByteArrayView message) {
        deliver(message.toByteArray());
        return m_state == State::Connected || m_state == State::Closing;
    });
    if (status == FrameStatus::Overlong || status == FrameStatus::BadLength) {
        m_pendingReason = status == FrameStatus::Overlong ? tooLong() : QString(Reasons::BadFrameLength);
        m_socket->abort();
        return;
    }
    const int quietMs = m_framing.quietMs(m_flushDelayMs);
    if (!m_framer.hasPartial() || quietMs < 0)
        m_quiet.stop();   // no unfinished frame, or its rest is still to come
    else if (quietMs == 0)
        onQuiet();
    else
        m_quiet.start(quietMs);
}

QString EchoClient::tooLong()
{
    return tr("message too long");
}

bool EchoClient::flushPartial()
{
    m_quiet.stop();
    if (!m_framer.hasPartial())
        return true;
    // A framer may keep a little more than a message (a line's CR, a delimiter's first bytes).
    const QByteArray message = m_framer.takePartial();
    if (message.size() > m_maxMessageBytes)
        return false;
    deliver(message);
    return true;
}

void EchoClient::onQuiet()
{
    if (!flushPartial()) {
        m_pendingReason = tooLong();
        m_socket->abort();
    }
}

void EchoClient::onError(QAbstractSocket::SocketError error)
{
    if (m_pendingReason.isEmpty())
        m_pendingReason = describe(error);
    // A failed attempt never signals disconnected(); a lost connection does.
    if (m_state == State::Connecting)
        endConnection(m_pendingReason, false);
}

void EchoClient::onDisconnected()
{
    if (m_state != State::Connected && m_state != State::Closing)
        return;
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    QString reason = m_pendingReason.isEmpty() ? tr("connection closed by the server") : m_pendingReason;
    if (!Framer::endsAtClose(m_framing) && m_framer.hasPartial())
        reason = QString(Reasons::UnfinishedFrame).arg(reason).arg(m_framer.partialSize());   // a cut binary frame is no message
    else if (!flushPartial())
        reason = tooLong();
    endConnection(reason, true);
}

void EchoClient::onConnectTimeout()
{
    if (m_state != State::Connecting)
        return;
    m_pendingReason = tr("connection timed out");
    m_socket->abort();
    endConnection(m_pendingReason, false);
}

void EchoClient::endConnection(QString reason, bool wasConnected)
{
    m_periodic.stop();
    m_quiet.stop();
    m_connectTimeout.stop();
    m_framer.clear();
    m_lastReason = reason;
    m_pendingReason.clear();
    const bool retry = m_autoReconnect && !m_userClosing;
    // Settle the state before telling anyone, so handlers may reconnect at once.
    setState(retry ? State::WaitingToReconnect : State::Unconnected);
    if (wasConnected)
        emit connectionLost(reason);
    else
        emit connectionFailed(reason);
    if (retry && m_state == State::WaitingToReconnect) {
        const int delay = m_nextDelayMs;
        m_nextDelayMs = qMin(m_nextDelayMs * 2, m_maxDelayMs);
        m_reconnect.start(delay);
        emit reconnectScheduled(delay);
    }
}

QString EchoClient::peerCertificateSummary() const
{
    const QSslCertificate certificate = m_socket->peerCertificate();
    if (certificate.isNull())
        return {};
    return tr("%1, SHA-256 %2")
            .arg(certificate.subjectDisplayName(),
                 QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
}

QString EchoClient::describe(QAbstractSocket::SocketError error) const
{
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        return tr("connection refused");
    case QAbstractSocket::HostNotFoundError:
        return tr("host not found: %1").arg(m_host);
    case QAbstractSocket::RemoteHostClosedError:
        return tr("connection closed by the server");
    case QAbstractSocket::SocketTimeoutError:
        return tr("connection timed out");
    case QAbstractSocket::SslHandshakeFailedError:
        return tr("TLS handshake failed: %1").arg(m_socket->errorString());
    default:
        return m_socket->errorString();
    }
}

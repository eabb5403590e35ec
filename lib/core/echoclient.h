// SPDX-License-Identifier: MIT
#pragma once

#include "core/settinglimits.h"
#include "core/framer.h"
#include "core/messagehook.h"
#include "core/messagetemplate.h"

#include <QObject>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

/**
 * The seed's EchoClient: connects, reports what happens to the connection
 * with a reason, hands over every line it receives, and can send a message
 * built from a template on a timer. Optionally reconnects with exponential
 * backoff.
 */
class EchoClient : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Unconnected,
        Connecting,
        Connected,
        Closing,            ///< disconnectFromServer(): writing what is left
        WaitingToReconnect,
    };
    Q_ENUM(State)

    enum class LineEnding { Lf, CrLf, None };
    Q_ENUM(LineEnding)

    static QString defaultTemplate() { return QStringLiteral("hello, I'm %1 %2"); }

    explicit EchoClient(QObject *parent = nullptr);
    ~EchoClient() override;

    State state() const { return m_state; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    /** The reason of the last failure or loss, empty if none. */
    QString lastReason() const { return m_lastReason; }

    void connectToServer(const QString &host, quint16 port);
    /** Sends what is queued, then closes, saying @p reason (default: closed by the client). Cancels a pending reconnect. */
    void disconnectFromServer(const QString &reason = QString());
    /** Closes now; what is queued is lost. Cancels a pending reconnect. */
    void abort();

    /**
     * Sends @p message framed: with the line ending in line framing, else as
     * Framing::encode() and its suffix() make it. False unless connected, or if
     * the framing cannot carry it (warning() says why).
     */
    bool send(const QByteArray &message, const MessageCause &cause = {});
    /** Sends @p message expanded as its @p sequence-th send (Context::program is programName()); one with {client} is refused. */
    bool sendTemplate(const MessageTemplate &message, quint64 sequence, const MessageCause &cause = {});
    /** What looks at each message received before it is handed over (a RuleRunner); null: none. Not owned. */
    void setHook(MessageHook *hook) { m_hook = hook; }
    /** The server's address while connected. */
    QHostAddress peerAddress() const { return m_socket->peerAddress(); }
    qint64 bytesToWrite() const { return m_socket->bytesToWrite(); }
    /** Whether each message goes out when sent (TCP_NODELAY, as the system reports it), as it does once connected. */
    bool sendsAtOnce() const { return m_socket->socketOption(QAbstractSocket::LowDelayOption).toInt() != 0; }

    LineEnding lineEnding() const { return m_lineEnding; }
    void setLineEnding(LineEnding ending) { m_lineEnding = ending; }
    static QByteArray lineEndingBytes(LineEnding ending);

    // The periodic message: a MessageTemplate in the Seed syntax (%1 the program name,
    // %2 the date and time, {counter} the periodic messages sent so far plus one).
    bool isPeriodicEnabled() const { return m_periodicEnabled; }
    void setPeriodicEnabled(bool enabled);
    int interval() const { return m_periodic.interval(); }
    void setInterval(int ms);
    QString messageTemplate() const { return m_template; }
    /** Sets the periodic template; if it cannot expand, templateError() says why and no periodic message is sent. */
    void setMessageTemplate(const QString &text);
    QString templateError() const { return m_templateError; }
    QString programName() const { return m_programName; }
    void setProgramName(const QString &name) { m_programName = name; }
    /** The next periodic message; empty if the template cannot expand. */
    QByteArray expandTemplate() const;
    /** Periodic messages sent since the counter was last reset. */
    int periodicSent() const { return m_periodicSent; }
    void resetPeriodicSent() { m_periodicSent = 0; }

    bool autoReconnect() const { return m_autoReconnect; }
    void setAutoReconnect(bool enabled);
    void setReconnectDelays(int firstMs, int maxMs);

    int flushDelay() const { return m_flushDelayMs; }
    void setFlushDelay(int ms) { m_flushDelayMs = ms; }
    void setConnectTimeout(int ms) { m_connectTimeout.setInterval(ms); }
    void setMaxMessageBytes(qsizetype bytes);
    /** How what is received is cut into messages, and how what is sent is framed; applies from the next read on. */
    const Framing &framing() const { return m_framing; }
    void setFraming(const Framing &framing);

    /** Connect with TLS from the next connectToServer() on; the server is verified. */
    bool isTlsEnabled() const { return m_tlsEnabled; }
    void setTlsEnabled(bool enabled) { m_tlsEnabled = enabled; }
    /** Trust anchors and client certificate; the default trusts the system's store. */
    void setTlsConfiguration(const QSslConfiguration &configuration) { m_tlsConfiguration = configuration; }
    /** The server's certificate once connected with TLS: subject and SHA-256 fingerprint. */
    QString peerCertificateSummary() const;

signals:
    void stateChanged(EchoClient::State state);
    void connecting(const QString &host, quint16 port);
    void connected();
    void connectionFailed(const QString &reason);
    void connectionLost(const QString &reason);
    /** @p tag: what the hook tagged it with (rules), empty if nothing. */
    void messageReceived(const QByteArray &message, const QString &tag);
    void messageSent(const QByteArray &message, bool periodic, const MessageCause &cause);
    void reconnectScheduled(int delayMs);
    /** Everything sent so far has been handed to the system. */
    void allWritten();
    /** Something could not be done, the connection goes on: a message the framing cannot carry. */
    void warning(const QString &text);

private:
    void createSocket();
    void setState(State state);
    void startConnecting();
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onError(QAbstractSocket::SocketError error);
    void onConnectTimeout();
    void sendPeriodic();
    /** Hands over the unfinished message; false (and it is dropped) if it is longer than a message may be. */
    bool flushPartial();
    void onQuiet();
    static QString tooLong();
    void endConnection(QString reason, bool wasConnected);   // by value: callers pass members it clears
    bool write(const QByteArray &message, bool periodic, const MessageCause &cause = {});
    void deliver(const QByteArray &message);
    QString describe(QAbstractSocket::SocketError error) const;

    QSslSocket *m_socket = nullptr;
    QSslConfiguration m_tlsConfiguration = QSslConfiguration::defaultConfiguration();
    bool m_tlsEnabled = false;
    Framing m_framing;
    qsizetype m_maxMessageBytes = Limits::ClientMaxMessageBytes;
    Framer m_framer { m_framing, m_maxMessageBytes };
    QTimer m_periodic;
    QTimer m_quiet;
    QTimer m_reconnect;
    QTimer m_connectTimeout;
    QString m_host;
    quint16 m_port = 0;
    State m_state = State::Unconnected;
    LineEnding m_lineEnding = LineEnding::Lf;
    QString m_template = defaultTemplate();
    std::optional<MessageTemplate> m_compiledTemplate = MessageTemplate::parse(defaultTemplate(), MessageTemplate::Syntax::Seed);
    QString m_templateError;
    MessageHook *m_hook = nullptr;
    QString m_programName;
    QString m_lastReason;
    QString m_pendingReason;   // set when we end the connection ourselves
    int m_periodicSent = 0;
    int m_flushDelayMs = int(Limits::ClientFlushMs.defaultValue);
    int m_firstDelayMs = Limits::ReconnectFirstDelayMs;
    int m_maxDelayMs = Limits::ReconnectMaxDelayMs;
    int m_nextDelayMs = Limits::ReconnectFirstDelayMs;
    bool m_periodicEnabled = true;
    bool m_autoReconnect = false;
    bool m_userClosing = false;
};

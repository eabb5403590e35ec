// SPDX-License-Identifier: MIT
#pragma once

#include "capture/capturereader.h"
#include "core/echoclient.h"
#include "core/framing.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>
#include <vector>

/** How a replay's connections are made: a log's framing, and TLS. */
struct ReplayConnection {
    Framing framing;                                                  ///< a log's messages only
    EchoClient::LineEnding lineEnding = EchoClient::LineEnding::Lf;   ///< in line framing, a log's only
    bool tls = false;
    QSslConfiguration tlsConfiguration = QSslConfiguration::defaultConfiguration();
};

/**
 * Sends what recorded clients sent, each on its own connection, at the
 * recorded times (gaps divided by the speed) on one clock for all. The
 * connections are opened one after another, in the order of the recorded
 * ids (so a fresh server numbers them in that order), and the clock starts
 * when all are up: the first chunk of all goes at 0. A capture's chunks are
 * sent as the bytes they were (no framing); a log's messages are framed as
 * EchoClient frames them. When all is sent and written, every connection is
 * closed and finished(true) says so; a connection that fails or is lost
 * before that, or stop(), ends the replay with finished(false, reason).
 *
 * Used by echo-client --replay and by the client window's "Replay a file...".
 */
class Replayer : public QObject
{
    Q_OBJECT

public:
    using Connection = ReplayConnection;

    explicit Replayer(QObject *parent = nullptr);
    ~Replayer() override;

    /**
     * Replays @p clients (ids in @p recording, in that order) to @p host:@p port,
     * gaps divided by @p speed (0: no gaps). A replay running is stopped first.
     * An empty or unknown client list ends at once with finished(false, reason).
     */
    void start(const Recording &recording, const QList<quint64> &clients, const QString &host, quint16 port,
               double speed, const Connection &connection = Connection());
    /**
     * Sends nothing more: what was sent is delivered, then the connections close (one still
     * connecting is aborted) and finished(false, "stopped after N of M message(s)") says so.
     */
    void stop();

    /** True from start() until finished(). */
    bool isRunning() const { return m_running; }
    /** True between stop() and finished(). */
    bool isStopping() const { return m_running && !m_stopReason.isEmpty(); }
    /** Messages (chunks) sent so far, and of all the chosen clients. */
    qsizetype sent() const { return qsizetype(m_next); }
    qsizetype total() const { return m_total; }
    /** The chosen clients' ids, in the order their connections are opened. */
    QList<quint64> clientIds() const;

    /** "1, 2, 5", or "none". */
    static QString idList(const QList<quint64> &ids);

signals:
    /** @p sent of @p total messages are handed to the connections; first said with 0 when started. */
    void progress(qsizetype sent, qsizetype total);
    /** The replay ended: all sent and closed (@p ok), else why not (one line, names the recorded client). */
    void finished(bool ok, const QString &reason);

private:
    struct Player {
        quint64 id = 0;
        std::unique_ptr<EchoClient> client;
        QList<Recording::Chunk> chunks;
        bool closed = false;
    };
    /** One send of the schedule: a chunk of a player at a time from the clock's start. */
    struct Step {
        qint64 dueUs = 0;
        qsizetype player = 0;
        qsizetype chunk = 0;
    };

    /** Aborts and drops the connections; deleted at once when @p now, else later. */
    void clear(bool now = false);
    void connectNext();
    void onConnected();
    void onEnded(qsizetype player, const QString &reason);
    void buildSchedule();
    void sendDue();
    void closeAll();
    void closeWhenWritten(qsizetype player);
    void fail(const QString &message);
    void finishIfAllClosed();
    QString stoppedText() const;

    QString m_host;
    quint16 m_port = 0;
    bool m_framed = false;
    double m_speed = 1;
    bool m_running = false;
    std::vector<Player> m_players;
    qsizetype m_connected = 0;
    qsizetype m_total = 0;
    std::vector<Step> m_schedule;
    std::size_t m_next = 0;     // the next step of the schedule
    QElapsedTimer m_clock;
    QTimer m_timer;
    bool m_closing = false;
    QString m_stopReason;   // set by stop() until finished
};

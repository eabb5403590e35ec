// SPDX-License-Identifier: MIT
#pragma once

#include "console/options.h"
#include "capture/capturereader.h"
#include "core/echoclient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

/**
 * echo-client --replay FILE: sends what the recorded clients sent, each on
 * its own connection, at the recorded times (gaps divided by --speed) on
 * one clock for all. The connections are opened one after another, in the
 * order of the recorded ids (so a fresh server numbers them in that order),
 * and the clock starts when all are up: the first chunk of all goes at 0.
 * A capture's chunks are sent as the bytes they were (no framing); a log's
 * messages are framed as EchoClient frames them. When all is sent and
 * written, every connection is closed and the program ends with 0; a
 * connection that fails or is lost before that ends it with 1.
 */
class Replayer : public QObject
{
    Q_OBJECT

public:
    /** Replays @p clients of @p recording (each in it) with @p options' server, framing and TLS. */
    Replayer(const ClientOptions &options, const Recording &recording, const QList<quint64> &clients,
             QObject *parent = nullptr);
    ~Replayer() override;

    /** Connects and runs the event loop; returns the exit code. */
    int run();

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

    void connectNext();
    void onConnected(qsizetype player);
    void onEnded(qsizetype player, const QString &reason);
    void buildSchedule();
    void sendDue();
    void closeAll();
    void closeWhenWritten(qsizetype player);
    void fail(const QString &message);

    ClientOptions m_options;
    bool m_framed = false;
    double m_speed = 1;
    std::vector<Player> m_players;
    qsizetype m_connected = 0;
    std::vector<Step> m_schedule;
    std::size_t m_next = 0;     // the next step of the schedule
    QElapsedTimer m_clock;
    QTimer m_timer;
    bool m_closing = false;
};

/** echo-client --replay: reads the file, picks the clients (--from-client), replays them; returns the exit code. */
int runReplay(const ClientOptions &options);

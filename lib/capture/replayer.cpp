// SPDX-License-Identifier: MIT
#include "capture/replayer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

using namespace Qt::Literals::StringLiterals;

Replayer::Replayer(QObject *parent)
    : QObject(parent)
{
    // Precise: the gaps are what a replay reproduces, and a coarse timer may be 5 % off.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Replayer::sendDue);
}

Replayer::~Replayer()
{
    clear(true);
}

QString Replayer::idList(const QList<quint64> &ids)
{
    if (ids.isEmpty())
        return u"none"_s;
    QStringList texts;
    for (quint64 id : ids)
        texts.append(QString::number(id));
    return texts.join(u", "_s);
}

QList<quint64> Replayer::clientIds() const
{
    QList<quint64> ids;
    for (const Player &p : m_players)
        ids.append(p.id);
    return ids;
}

void Replayer::clear(bool now)
{
    m_timer.stop();
    m_closing = true;
    for (Player &p : m_players) {
        p.closed = true;
        p.client->disconnect(this);   // its last state changes are no news to a replay that is over
        p.client->abort();
        if (!now)   // stop() may come from a handler of one of its signals: not deleted under its feet
            p.client.release()->deleteLater();
    }
    m_players.clear();
    m_schedule.clear();
    m_next = 0;
    m_connected = 0;
    m_total = 0;
    m_closing = false;
    m_running = false;
    m_stopReason.clear();
}

void Replayer::start(const Recording &recording, const QList<quint64> &clients, const QString &host, quint16 port,
                     double speed, const Connection &connection)
{
    if (m_running) {
        const QString reason = stoppedText();
        clear();
        emit finished(false, reason);
    }
    clear();
    m_host = host;
    m_port = port;
    m_framed = recording.framed();
    m_speed = speed;
    for (quint64 id : clients) {
        const Recording::Client *recorded = recording.client(id);
        if (!recorded) {
            clear();
            emit finished(false, tr("%1 is not a recorded client (ids: %2)").arg(id).arg(idList(recording.ids())));
            return;
        }
        Player player;
        player.id = id;
        player.chunks = recorded->chunks;
        m_total += player.chunks.size();
        player.client = std::make_unique<EchoClient>();
        EchoClient &client = *player.client;
        client.setPeriodicEnabled(false);
        client.setTlsEnabled(connection.tls);
        client.setTlsConfiguration(connection.tlsConfiguration);
        if (m_framed) {
            client.setFraming(connection.framing);
            client.setLineEnding(connection.lineEnding);
        } else {   // a capture's bytes go as they were: line framing adding nothing
            client.setFraming(Framing());
            client.setLineEnding(EchoClient::LineEnding::None);
        }
        const qsizetype index = qsizetype(m_players.size());
        connect(&client, &EchoClient::connected, this, &Replayer::onConnected);
        connect(&client, &EchoClient::connectionFailed, this, [this, index](const QString &reason) { onEnded(index, reason); });
        connect(&client, &EchoClient::connectionLost, this, [this, index](const QString &reason) { onEnded(index, reason); });
        connect(&client, &EchoClient::stateChanged, this, [this, index](EchoClient::State state) {
            if (state == EchoClient::State::Unconnected && m_closing)
                onEnded(index, {});
        });
        m_players.push_back(std::move(player));
    }
    if (m_players.empty()) {
        emit finished(false, tr("no recorded client to replay"));
        return;
    }
    m_running = true;
    emit progress(0, m_total);
    connectNext();
}

void Replayer::stop()
{
    if (!m_running || !m_stopReason.isEmpty())
        return;
    m_stopReason = stoppedText();
    m_timer.stop();
    m_closing = true;
    // What was sent is delivered, then each connection closes (onEnded); one still connecting just ends.
    for (qsizetype i = 0; i < qsizetype(m_players.size()); ++i) {
        Player &p = m_players[std::size_t(i)];
        if (p.closed)
            continue;
        if (p.client->state() == EchoClient::State::Connected) {
            closeWhenWritten(i);
        } else {
            p.closed = true;
            p.client->abort();
        }
    }
    finishIfAllClosed();
}

QString Replayer::stoppedText() const
{
    return tr("stopped after %1 of %2 message(s)").arg(qsizetype(m_next)).arg(m_total);
}

void Replayer::finishIfAllClosed()
{
    if (!m_running || !std::all_of(m_players.cbegin(), m_players.cend(), [](const Player &q) { return q.closed; }))
        return;
    m_running = false;
    const QString reason = std::exchange(m_stopReason, QString());
    emit finished(reason.isEmpty(), reason);
}

void Replayer::connectNext()
{
    // One after another: a fresh server numbers the connections as they were numbered.
    m_players[std::size_t(m_connected)].client->connectToServer(m_host, m_port);
}

void Replayer::onConnected()
{
    if (++m_connected < qsizetype(m_players.size())) {
        connectNext();
        return;
    }
    buildSchedule();
    m_clock.start();
    sendDue();
}

void Replayer::buildSchedule()
{
    qint64 startUs = std::numeric_limits<qint64>::max();
    for (const Player &p : m_players) {
        if (!p.chunks.isEmpty())
            startUs = std::min(startUs, p.chunks.first().timeUs);
    }
    for (qsizetype i = 0; i < qsizetype(m_players.size()); ++i) {
        const QList<Recording::Chunk> &chunks = m_players[std::size_t(i)].chunks;
        for (qsizetype c = 0; c < chunks.size(); ++c) {
            const double gapUs = double(chunks.at(c).timeUs - startUs);
            const qint64 due = m_speed == 0 ? 0 : qint64(std::llround(gapUs / m_speed));
            m_schedule.push_back({ std::max<qint64>(due, 0), i, c });
        }
    }
    // Stable: one client's chunks keep their order even where the clock says they are simultaneous.
    std::stable_sort(m_schedule.begin(), m_schedule.end(), [](const Step &a, const Step &b) { return a.dueUs < b.dueUs; });
}

void Replayer::sendDue()
{
    const qint64 nowUs = m_clock.nsecsElapsed() / 1000;
    const std::size_t before = m_next;
    while (m_next < m_schedule.size() && m_schedule[m_next].dueUs <= nowUs) {
        const Step &step = m_schedule[m_next++];
        Player &p = m_players[std::size_t(step.player)];
        if (!p.client->send(p.chunks.at(step.chunk).bytes)) {
            fail(u"recorded client #%1: cannot send its message %2: %3"_s.arg(p.id).arg(step.chunk + 1).arg(p.client->lastReason()));
            return;
        }
    }
    if (m_next != before)
        emit progress(qsizetype(m_next), m_total);
    if (!m_running || m_closing)   // a receiver of progress stopped the replay
        return;
    if (m_next < m_schedule.size()) {
        const qint64 waitUs = m_schedule[m_next].dueUs - nowUs;
        m_timer.start(int(std::min<qint64>((waitUs + 999) / 1000, std::numeric_limits<int>::max())));
        return;
    }
    closeAll();
}

void Replayer::closeAll()
{
    m_closing = true;
    for (qsizetype i = 0; i < qsizetype(m_players.size()); ++i)
        closeWhenWritten(i);
}

void Replayer::closeWhenWritten(qsizetype index)
{
    EchoClient &client = *m_players[std::size_t(index)].client;
    if (client.bytesToWrite() == 0) {
        client.disconnectFromServer();
        return;
    }
    // Delivered first, then closed: disconnectFromServer() would write it too, but a close
    // waits here for the bytes to leave, so a slow server sees all of them.
    connect(&client, &EchoClient::allWritten, this, [this, index] {
        EchoClient &c = *m_players[std::size_t(index)].client;
        if (c.state() == EchoClient::State::Connected)
            c.disconnectFromServer();
    }, Qt::SingleShotConnection);
}

void Replayer::onEnded(qsizetype index, const QString &reason)
{
    if (!m_running || std::size_t(index) >= m_players.size())
        return;
    Player &p = m_players[std::size_t(index)];
    if (p.closed)
        return;
    if (!m_closing) {
        fail(u"recorded client #%1: %2"_s.arg(p.id).arg(reason.isEmpty() ? p.client->lastReason() : reason));
        return;
    }
    p.closed = true;
    finishIfAllClosed();
}

void Replayer::fail(const QString &message)
{
    m_timer.stop();
    m_closing = true;
    m_running = false;
    m_stopReason.clear();
    for (Player &p : m_players) {
        p.closed = true;
        p.client->abort();
    }
    emit finished(false, message);
}

// SPDX-License-Identifier: MIT
#include "replayer.h"

#include "consoleio.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;
using namespace Headless;

namespace {

QString idList(const QList<quint64> &ids)
{
    if (ids.isEmpty())
        return u"none"_s;
    QStringList texts;
    for (quint64 id : ids)
        texts.append(QString::number(id));
    return texts.join(u", "_s);
}

} // namespace

Replayer::Replayer(const ClientOptions &options, const Recording &recording, const QList<quint64> &clients, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_framed(recording.framed())
    , m_speed(options.replaySpeed)
{
    // Precise: the gaps are what a replay reproduces, and a coarse timer may be 5 % off.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Replayer::sendDue);
    for (quint64 id : clients) {
        Player player;
        player.id = id;
        player.chunks = recording.client(id)->chunks;
        player.client = std::make_unique<EchoClient>();
        EchoClient &client = *player.client;
        client.setPeriodicEnabled(false);
        client.setTlsEnabled(options.tls);
        client.setTlsConfiguration(options.tlsConfiguration);
        if (m_framed) {
            client.setFraming(options.framing);
            client.setLineEnding(options.lineEnding);
        } else {   // a capture's bytes go as they were: line framing adding nothing
            client.setFraming(Framing());
            client.setLineEnding(EchoClient::LineEnding::None);
        }
        const qsizetype index = qsizetype(m_players.size());
        connect(&client, &EchoClient::connected, this, [this, index] { onConnected(index); });
        connect(&client, &EchoClient::connectionFailed, this, [this, index](const QString &reason) { onEnded(index, reason); });
        connect(&client, &EchoClient::connectionLost, this, [this, index](const QString &reason) { onEnded(index, reason); });
        connect(&client, &EchoClient::stateChanged, this, [this, index](EchoClient::State state) {
            if (state == EchoClient::State::Unconnected && m_closing)
                onEnded(index, {});
        });
        m_players.push_back(std::move(player));
    }
}

Replayer::~Replayer() = default;

int Replayer::run()
{
    printLine(u"Replaying %1 recorded client(s) (%2) to %3:%4"_s
                      .arg(m_players.size())
                      .arg(idList([this] {
                          QList<quint64> ids;
                          for (const Player &p : m_players)
                              ids.append(p.id);
                          return ids;
                      }()))
                      .arg(m_options.host)
                      .arg(m_options.port));
    connectNext();
    return QCoreApplication::exec();
}

void Replayer::connectNext()
{
    // One after another: a fresh server numbers the connections as they were numbered.
    m_players[std::size_t(m_connected)].client->connectToServer(m_options.host, m_options.port);
}

void Replayer::onConnected(qsizetype player)
{
    Q_UNUSED(player);
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
    while (m_next < m_schedule.size() && m_schedule[m_next].dueUs <= nowUs) {
        const Step &step = m_schedule[m_next++];
        Player &p = m_players[std::size_t(step.player)];
        if (!p.client->send(p.chunks.at(step.chunk).bytes)) {
            fail(u"recorded client #%1: cannot send its message %2: %3"_s.arg(p.id).arg(step.chunk + 1).arg(p.client->lastReason()));
            return;
        }
    }
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
    Player &p = m_players[std::size_t(index)];
    if (p.closed)
        return;
    if (!m_closing) {
        fail(u"recorded client #%1: %2"_s.arg(p.id).arg(reason.isEmpty() ? p.client->lastReason() : reason));
        return;
    }
    p.closed = true;
    if (std::all_of(m_players.cbegin(), m_players.cend(), [](const Player &q) { return q.closed; })) {
        printLine(u"Replay done: %1 message(s) sent"_s.arg(m_schedule.size()));
        QCoreApplication::exit(ExitOk);
    }
}

void Replayer::fail(const QString &message)
{
    printError(ClientProgram, message);
    m_timer.stop();
    m_closing = true;
    for (Player &p : m_players) {
        p.closed = true;
        p.client->abort();
    }
    QCoreApplication::exit(ExitFailure);
}

int runReplay(const ClientOptions &options)
{
    QString error;
    const std::optional<Recording> recording = CaptureReader::read(options.replayFile, &error);
    if (!recording) {
        printError(ClientProgram, u"bad value for --replay: %1"_s.arg(error));
        return ExitUsage;
    }
    const QList<quint64> found = recording->ids();
    QList<quint64> chosen;
    if (options.replayClients.contains(u"all"_s)) {
        chosen = found;
    } else if (options.replayClients.isEmpty()) {
        if (found.size() != 1) {
            printError(ClientProgram, u"%1 holds %2 recorded clients (ids: %3): choose with --from-client ID or --from-client all"_s
                                              .arg(options.replayFile)
                                              .arg(found.size())
                                              .arg(idList(found)));
            return ExitUsage;
        }
        chosen = found;
    } else {
        for (const QString &text : options.replayClients) {
            const quint64 id = text.toULongLong();
            if (!found.contains(id)) {
                printError(ClientProgram, u"bad value for --from-client: %1 is not a client of %2 (ids: %3)"_s
                                                  .arg(text, options.replayFile, idList(found)));
                return ExitUsage;
            }
            if (!chosen.contains(id))
                chosen.append(id);
        }
        std::sort(chosen.begin(), chosen.end());
    }
    if (chosen.isEmpty()) {
        printError(ClientProgram, u"%1 holds no recorded client that sent something"_s.arg(options.replayFile));
        return ExitUsage;
    }
    Replayer replayer(options, *recording, chosen);
    return replayer.run();
}

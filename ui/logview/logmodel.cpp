// SPDX-License-Identifier: MIT
#include "logview/logmodel.h"

#include <QDateTime>
#include <QHostAddress>
#include <QIODevice>
#include <QLocale>
#include <QPoint>

#include "capture/capture.h"
#include "capture/capturefile.h"
#include "core/displaytext.h"
#include "widgets/reasontext.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr qsizetype TOOLTIP_MAX_CHARS = 2000;
// Stream ids of writeCapture()'s pseudo clients (one per cluster server), apart from the clients' own.
constexpr quint64 PSEUDO_STREAM = quint64(1) << 62;
constexpr quint64 CLIENT_STREAM = quint64(1) << 61;   // the connections of a client window's log

/** Frames of TcpStreams written straight to a CaptureFile; the first write error stops the rest. */
class FileSink : public TcpStreams::Sink
{
public:
    explicit FileSink(CaptureFile *file)
        : m_file(file)
    {
    }
    char *reserve(qint64 timeUs, qsizetype frameBytes, QByteArrayView comment) override
    {
        m_timeUs = timeUs;
        m_comment = comment;
        m_frame.resize(frameBytes);
        return m_frame.data();
    }
    void commit() override
    {
        if (m_ok)
            m_ok = m_file->write(m_timeUs, m_frame, m_comment);
    }
    bool isOk() const { return m_ok; }

private:
    CaptureFile *m_file;
    QByteArray m_frame;   // reused: one allocation for the largest frame
    QByteArrayView m_comment;
    qint64 m_timeUs = 0;
    bool m_ok = true;
};

/** "127.0.0.1:50123", "[::1]:50123" as an address and a port; false if it is neither. */
bool splitAddress(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535 || !address->setAddress(host))
        return false;
    *port = quint16(value);
    return true;
}

/** The server's side of a connection from @p client: @p server, or the "any" address of @p client's family if @p server is one. */
QHostAddress serverSideFor(const QHostAddress &server, const QHostAddress &client)
{
    const bool any = server == QHostAddress(QHostAddress::Any) || server == QHostAddress(QHostAddress::AnyIPv4)
            || server == QHostAddress(QHostAddress::AnyIPv6) || server.isNull();
    if (!any)
        return server;
    bool v4 = false;
    client.toIPv4Address(&v4);
    return QHostAddress(v4 ? QHostAddress::AnyIPv4 : QHostAddress::AnyIPv6);
}
} // namespace

LogModel::LogModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(DefaultBatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &LogModel::flush);
}

void LogModel::setCapacity(qsizetype capacity)
{
    beginResetModel();
    m_entries.reset(capacity);
    m_pending.clear();
    m_dropped = 0;
    pruneFramings();
    endResetModel();
}

bool LogModel::isBinary(const Log::Event &event)
{
    using namespace Log;
    return std::visit(Overloaded {
                              [](const Received &e) { return e.binary; },
                              [](const Sent &e) { return e.binary; },
                              [](const FromServer &e) { return e.binary; },
                              [](const ToServer &e) { return e.binary; },
                              [](const auto &) { return false; },
                      },
                      event.what);
}

void LogModel::setFraming(const Framing &framing)
{
    // What is queued came before the change: it goes in with the framing it had.
    flush();
    m_framingKnown = true;
    if (m_framings.constLast().framing == framing)
        return;
    m_framings.append({ m_pushed, framing });
    pruneFramings();
}

const Framing &LogModel::framingOf(int row) const
{
    const quint64 absolute = m_pushed - quint64(m_entries.size()) + quint64(row);
    for (qsizetype i = m_framings.size() - 1; i > 0; --i) {
        if (m_framings.at(i).firstRow <= absolute)
            return m_framings.at(i).framing;
    }
    return m_framings.constFirst().framing;
}

void LogModel::pruneFramings()
{
    const quint64 oldest = m_pushed - quint64(m_entries.size());
    while (m_framings.size() > 1 && m_framings.at(1).firstRow <= oldest)
        m_framings.removeFirst();
}

void LogModel::setHexView(bool hex)
{
    if (m_hexView == hex)
        return;
    m_hexView = hex;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0), index(rowCount() - 1), { Qt::DisplayRole });
    emit hexViewChanged(hex);
}

void LogModel::append(const Log::Event &event)
{
    m_pending.append(event);
    // More than a whole buffer waiting: the oldest could never be shown anyway.
    if (m_pending.size() > 2 * capacity()) {
        const qsizetype excess = m_pending.size() - capacity();
        m_pending.remove(0, excess);
        m_dropped += quint64(excess);
    }
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void LogModel::flush()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty())
        return;
    QList<Log::Event> batch = std::exchange(m_pending, {});
    if (batch.size() > capacity()) {
        const qsizetype excess = batch.size() - capacity();
        batch.remove(0, excess);
        m_dropped += quint64(excess);
    }
    const qsizetype overflow = m_entries.size() + batch.size() - capacity();
    if (overflow > 0) {
        beginRemoveRows(QModelIndex(), 0, int(overflow) - 1);
        m_entries.dropFront(overflow);
        m_dropped += quint64(overflow);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows(QModelIndex(), first, first + int(batch.size()) - 1);
    for (Log::Event &event : batch)
        m_entries.push_back(std::move(event));
    m_pushed += quint64(batch.size());
    endInsertRows();
    if (overflow > 0)
        pruneFramings();
    emit batchAppended(int(batch.size()));
}

void LogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    m_pending.clear();
    m_dropped = 0;
    pruneFramings();
    endResetModel();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QString LogModel::who(const Log::Event &event)
{
    using namespace Log;
    return std::visit(
            Overloaded {
                    [](const Received &e) {
                        if (e.from.isRemote()) {
                            // A client of another server of the cluster: its server first, as in "server-2 #3".
                            if (e.relayed > 0)
                                return tr("%1 #%2 → %3", "remote server, its client, relayed to %3 clients")
                                        .arg(e.from.origin).arg(e.from.client).arg(e.relayed);
                            return tr("%1 #%2", "remote server, its client").arg(e.from.origin).arg(e.from.client);
                        }
                        if (e.relayed > 0)
                            return tr("#%1 %2 → %3", "received, relayed to %3 clients").arg(e.from.client).arg(e.from.address).arg(e.relayed);
                        return tr("#%1 %2").arg(e.from.client).arg(e.from.address);
                    },
                    [](const Sent &e) { return e.to == 0 ? tr("server → all (%1)").arg(e.receivers) : tr("server → #%1").arg(e.to); },
                    [](const Connected &e) { return tr("#%1 %2").arg(e.peer.client).arg(e.peer.address); },
                    [](const Disconnected &e) { return tr("#%1 %2").arg(e.peer.client).arg(e.peer.address); },
                    [](const Refused &e) { return e.address; },
                    [](const Listening &) { return tr("server"); },
                    [](const Stopped &) { return tr("server"); },
                    [](const Warning &) { return tr("server"); },
                    [](const CaptureState &) { return tr("capture"); },
                    [](const ClusterState &) { return tr("cluster"); },
                    [](const ServerJoined &) { return tr("cluster"); },
                    [](const ServerLeft &) { return tr("cluster"); },
                    [](const Gap &) { return tr("cluster"); },
                    [](const Dropped &) { return tr("cluster"); },
                    [](const ClusterWarning &) { return tr("cluster"); },
                    [](const RemoteRefused &) { return tr("cluster"); },
                    [](const FromServer &) { return tr("server"); },
                    [](const ToServer &e) { return e.periodic ? tr("you (periodic)") : tr("you"); },
                    [](const auto &) { return tr("status"); },   // the client's connection events
            },
            event.what);
}

namespace {

QString clusterStateText(const Log::ClusterState &e)
{
    switch (e.state) {
    case ClusterBridge::State::Connecting:
        if (e.previous == ClusterBridge::State::Connecting)   // a retry, with why the last try failed
            return LogModel::tr("Cluster: still joining domain %1: %2").arg(e.domain, e.detail);
        return LogModel::tr("Cluster: joining domain %1 via %2").arg(e.domain, e.detail);
    case ClusterBridge::State::Connected:
        return LogModel::tr("Cluster: connected to %1, domain %2, as %3").arg(e.detail, e.domain, e.serverId);
    case ClusterBridge::State::Reconnecting:
        return e.detail.isEmpty() ? LogModel::tr("Cluster: lost the NATS server; reconnecting, messages wait in the buffer")
                                  : LogModel::tr("Cluster: %1; reconnecting, messages wait in the buffer").arg(e.detail);
    case ClusterBridge::State::Off:
        break;
    }
    if (!e.isProblem())
        return LogModel::tr("Cluster: left domain %1").arg(e.domain);
    if (e.previous == ClusterBridge::State::Connecting)
        return LogModel::tr("Cluster: could not join domain %1: %2").arg(e.domain, e.detail);
    return LogModel::tr("Cluster: out of domain %1: %2").arg(e.domain, e.detail);
}

} // namespace

QString LogModel::describe(const Log::Event &event)
{
    using namespace Log;
    const QLocale locale;
    return std::visit(
            Overloaded {
                    [](const Received &e) { return DisplayText::escaped(e.data); },
                    [](const Sent &e) { return DisplayText::escaped(e.data); },
                    [](const FromServer &e) { return DisplayText::escaped(e.data); },
                    [](const ToServer &e) { return DisplayText::escaped(e.data); },
                    [](const Listening &e) { return tr("Listening on %1 port %2").arg(e.address).arg(e.port); },
                    [](const Stopped &) { return tr("Stopped listening"); },
                    [](const Connected &e) {
                        return tr("Client #%1 connected from %2 (clients now: %3)").arg(e.peer.client).arg(e.peer.address).arg(e.clients);
                    },
                    [](const Disconnected &e) {
                        return tr("Client #%1 %2 disconnected: %3 (clients now: %4)")
                                .arg(e.peer.client)
                                .arg(e.peer.address, ReasonText::translated(e.reason))
                                .arg(e.clients);
                    },
                    [](const Refused &e) { return tr("Refused %1: %2").arg(e.address, ReasonText::translated(e.reason)); },
                    [](const Warning &e) { return e.text; },
                    [](const ClusterState &e) { return clusterStateText(e); },
                    [](const ServerJoined &e) { return tr("Cluster: %1 joined domain %2").arg(e.serverId, e.domain); },
                    [](const ServerLeft &e) { return tr("Cluster: %1 left domain %2 (%3)").arg(e.serverId, e.domain, e.reason); },
                    [](const Gap &e) {
                        if (e.first == e.last)
                            return tr("Cluster: message %1 of %2 never arrived (a failover or a full buffer)").arg(e.first).arg(e.origin);
                        return tr("Cluster: messages %1–%2 of %3 never arrived (a failover or a full buffer)")
                                .arg(e.first)
                                .arg(e.last)
                                .arg(e.origin);
                    },
                    [&](const Dropped &e) {
                        return tr("Cluster: %1 messages not published: the NATS reconnect buffer (%2 bytes) is full, or NATS "
                                  "cannot keep up")
                                .arg(locale.toString(e.messages), locale.toString(e.bufferBytes));
                    },
                    [](const ClusterWarning &e) { return tr("Cluster: %1").arg(e.text); },
                    [&](const CaptureState &e) {
                        if (e.writing)
                            return tr("Capture: writing %1 (%2)").arg(e.file, e.format);
                        return e.reason.isEmpty() ? tr("Capture: stopped %1 at %2 bytes").arg(e.file, locale.toString(e.bytes))
                                                  : tr("Capture: stopped %1 at %2 bytes: %3")
                                                            .arg(e.file, locale.toString(e.bytes), e.reason);
                    },
                    [&](const RemoteRefused &e) {
                        return tr("Cluster: refused %1 messages from %2: %3").arg(locale.toString(e.count), e.origin, e.reason);
                    },
                    [](const Connecting &) { return tr("Start to Connect..."); },
                    [](const ConnectedToServer &) { return tr("Connected..."); },
                    [](const ServerCertificate &e) { return tr("Server certificate: %1").arg(e.summary); },
                    [](const ConnectFailed &e) { return tr("Connection is failed, Reason: %1").arg(e.reason); },
                    [](const ConnectionLost &e) { return tr("Lost connection. Reason: %1").arg(e.reason); },
                    [&](const Reconnecting &e) { return tr("Reconnecting in %1 s...").arg(locale.toString(e.delayMs / 1000.0)); },
            },
            event.what);
}

QString LogModel::tag(const Log::Event &event)
{
    if (const auto *received = event.as<Log::Received>())
        return received->tag;
    if (const auto *fromServer = event.as<Log::FromServer>())
        return fromServer->tag;
    return {};
}

QString LogModel::ruleText(const Log::Event &event)
{
    const MessageCause *cause = nullptr;
    if (const auto *sent = event.as<Log::Sent>())
        cause = &sent->cause;
    else if (const auto *toServer = event.as<Log::ToServer>())
        cause = &toServer->cause;
    if (!cause || !cause->isRule())
        return {};
    return tr("rule %1 · hit %2", "a message a rule sent: the rule's name, its hits").arg(cause->rule).arg(cause->hits);
}

bool LogModel::write(QIODevice *device, Log::Format format, const QList<int> &rows, QString *error) const
{
    const auto writeRow = [&](int row) {
        const QByteArray line = Log::line(m_entries.at(row), format);
        return device->write(line) == line.size();
    };
    bool ok = true;
    if (rows.isEmpty()) {
        for (int row = 0; ok && row < rowCount(); ++row)
            ok = writeRow(row);
    } else {
        for (int row : rows) {
            if (!(ok = writeRow(row)))
                break;
        }
    }
    if (!ok && error)
        *error = device->errorString();
    return ok;
}

bool LogModel::writeCapture(const QString &path, QString *error) const
{
    using namespace Log;
    // The server as the log says it: the first Listening (a client window: the first ConnectedToServer).
    QHostAddress server(QHostAddress::AnyIPv4);
    quint16 serverPort = 0;
    bool serverKnown = false, clientLog = false;
    for (int row = 0; row < rowCount() && !serverKnown; ++row) {
        const Event &e = m_entries.at(row);
        if (const auto *listening = e.as<Listening>()) {
            serverKnown = server.setAddress(listening->address);
            serverPort = listening->port;
        } else if (const auto *connected = e.as<ConnectedToServer>()) {
            clientLog = true;
            serverKnown = server.setAddress(connected->host);
            serverPort = connected->port;
        } else if (e.is<FromServer>() || e.is<ToServer>() || e.is<ConnectionLost>()) {
            clientLog = true;
        }
    }
    if (!serverKnown)
        server = QHostAddress(QHostAddress::AnyIPv4);
    QString description = clientLog ? tr("SpreadSite client's log: server %1 port %2").arg(server.toString()).arg(serverPort)
                                    : tr("SpreadSite server's log: server on %1 port %2").arg(server.toString()).arg(serverPort);
    if (!serverKnown)
        description += tr("; the log had no address of the server (0.0.0.0 port 0 stands for it)");
    description += m_framingKnown ? tr("; each message followed by its framing's ending")
                                  : tr("; the log did not say the framing: a line feed after each message");
    description += tr("; built from the log, not captured: times to the millisecond");

    CaptureFile file;
    if (!file.open(path, CaptureFile::Format::Pcapng, description)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    FileSink sink(&file);
    TcpStreams streams(&sink);
    QHash<QString, quint64> origins;   // cluster server -> its pseudo client's stream
    quint64 connections = 0;           // a client window's, so far
    QHostAddress currentServer = server;
    quint16 currentPort = serverPort;
    const auto openClient = [&](quint64 id, const QString &address, qint64 timeUs) {
        TcpStreams::Endpoints ends;
        if (!splitAddress(address, &ends.peer, &ends.peerPort))
            ends.peer = QHostAddress(QHostAddress::AnyIPv4);
        ends.local = serverSideFor(currentServer, ends.peer);
        ends.localPort = currentPort;
        streams.open(id, ends, timeUs);
    };
    const auto openConnection = [&](qint64 timeUs) {   // a client window's: its own address is not in the log
        ++connections;
        TcpStreams::Endpoints ends;
        ends.local = currentServer;
        ends.localPort = currentPort;
        ends.peer = serverSideFor(QHostAddress(QHostAddress::Any), currentServer);
        ends.peerPort = quint16(49152 + (connections - 1) % 16384);
        streams.open(CLIENT_STREAM | connections, ends, timeUs);
    };
    const auto localClients = [&] {
        QList<quint64> ids = streams.ids();
        ids.removeIf([](quint64 id) { return id & (PSEUDO_STREAM | CLIENT_STREAM); });
        std::sort(ids.begin(), ids.end());
        return ids;
    };

    for (int row = 0; row < rowCount() && sink.isOk(); ++row) {
        const Event &e = m_entries.at(row);
        const qint64 t = e.timeMs * 1000;
        const auto withSuffix = [&](const QByteArray &data) { return data + framingOf(row).suffix(); };
        std::visit(Overloaded {
                           [&](const Listening &l) {
                               if (currentServer.setAddress(l.address))
                                   currentPort = l.port;
                           },
                           [&](const Connected &c) {
                               if (!c.peer.isRemote())
                                   openClient(c.peer.client, c.peer.address, t);
                           },
                           [&](const Disconnected &d) {
                               if (d.peer.isRemote())
                                   return;
                               streams.closing(d.peer.client, d.reason, TrafficTap::End::Closed, t);
                               streams.closed(d.peer.client, t);
                           },
                           [&](const Received &r) {
                               quint64 id = r.from.client;
                               if (r.from.isRemote()) {
                                   auto it = origins.find(r.from.origin);
                                   if (it == origins.end()) {
                                       it = origins.insert(r.from.origin, PSEUDO_STREAM | quint64(origins.size() + 1));
                                       TcpStreams::Endpoints ends;
                                       ends.peer = serverSideFor(QHostAddress(QHostAddress::Any), currentServer);
                                       ends.peerPort = quint16(origins.size());
                                       ends.local = serverSideFor(currentServer, ends.peer);
                                       ends.localPort = currentPort;
                                       streams.open(*it, ends, t, tr("cluster server %1").arg(r.from.origin).toUtf8());
                                   }
                                   id = *it;
                               } else if (!streams.contains(id)) {
                                   openClient(id, r.from.address, t);   // it connected before the log's first line
                               }
                               const QByteArray data = withSuffix(r.data);
                               streams.data(id, true, data, t);
                               // Relayed to every other client connected: a segment to each. Relayed to
                               // fewer (rules, a limit), the log does not say to whom: none.
                               QList<quint64> others = localClients();
                               others.removeOne(id);
                               if (r.relayed > 0 && r.relayed == others.size()) {
                                   for (quint64 other : std::as_const(others))
                                       streams.data(other, false, data, t);
                               }
                           },
                           [&](const Sent &s) {
                               const QByteArray data = withSuffix(s.data);
                               if (s.to != 0) {
                                   streams.data(s.to, false, data, t);
                                   return;
                               }
                               for (quint64 id : localClients())
                                   streams.data(id, false, data, t);
                           },
                           [&](const ConnectedToServer &c) {
                               if (currentServer.setAddress(c.host))
                                   currentPort = c.port;
                               openConnection(t);
                           },
                           [&](const ConnectionLost &l) {
                               const quint64 id = CLIENT_STREAM | connections;
                               streams.closing(id, l.reason, TrafficTap::End::Closed, t);
                               streams.closed(id, t);
                           },
                           [&](const FromServer &f) {
                               if (!streams.contains(CLIENT_STREAM | connections))
                                   openConnection(t);
                               streams.data(CLIENT_STREAM | connections, false, withSuffix(f.data), t);
                           },
                           [&](const ToServer &m) {
                               if (!streams.contains(CLIENT_STREAM | connections))
                                   openConnection(t);
                               streams.data(CLIENT_STREAM | connections, true, withSuffix(m.data), t);
                           },
                           [](const auto &) {},
                   },
                   e.what);
    }
    const bool ok = sink.isOk() && file.flush();
    if (!ok && error)
        *error = file.errorString();
    file.close();
    return ok;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Log::Event &e = m_entries.at(index.row());
    const bool message = e.isMessage();
    switch (role) {
    case Qt::DisplayRole:
        if (showsHex(e))
            return DisplayText::hex(e.data());
        return describe(e);
    case Qt::ToolTipRole: {
        // Explicit rich text with every piece escaped: data never becomes markup.
        QString text = describe(e);
        if (text.size() > TOOLTIP_MAX_CHARS)
            text = text.left(TOOLTIP_MAX_CHARS) + u'…';
        QString head = Log::timestamp(e.timeMs) + u"  "_s + who(e);
        if (message)
            head += u"  "_s + tr("%1 bytes").arg(e.data().size());
        if (const QString tagged = tag(e); !tagged.isEmpty())
            head += u"  "_s + tr("tag %1").arg(tagged);
        if (const QString rule = ruleText(e); !rule.isEmpty())
            head += u"  "_s + rule;
        return u"<p style='white-space:pre-wrap'><b>%1</b><br>%2</p>"_s.arg(head.toHtmlEscaped(), text.toHtmlEscaped());
    }
    case Qt::AccessibleTextRole:
        return who(e) + u": "_s + describe(e);
    case TimeRole:
        return e.timeMs;
    case TimeTextRole:
        return Log::timestamp(e.timeMs).mid(11);
    case WhoRole:
        return who(e);
    case DirectionRole:
        if (!message)
            return int(Direction::Event);
        return int(e.is<Log::Received>() || e.is<Log::FromServer>() ? Direction::In : Direction::Out);
    case ClientRole:
        // A remote client's number is its own server's: never one of the client filter's.
        return e.localClient();
    case OriginRole:
        if (const auto *received = e.as<Log::Received>())
            return received->from.origin;
        return QString();
    case KindRole:
        return Log::eventName(e);
    case BytesRole:
        return e.data();
    case TextRole:
        return describe(e);
    case HexRole:
        return message ? DisplayText::hex(e.data()) : describe(e);
    case SizeTextRole:
        return message ? UiText::byteText(e.data().size()) : QString();
    case FieldRole: {
        if (!showsHex(e))
            break;
        const Framing &framing = framingOf(index.row());
        if (framing.kind != Framing::Kind::Length || e.data().size() < framing.headerSize())
            break;
        return QPoint(framing.lengthOffset, framing.lengthSize);
    }
    case TagRole:
        return tag(e);
    case RuleRole:
        return ruleText(e);
    case ProblemRole:
        return e.isProblem();
    case LineRole:
        return QString::fromUtf8(Log::text(e));
    default:
        break;
    }
    return {};
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(TimeRole, "time"_ba);
    names.insert(TimeTextRole, "timeText"_ba);
    names.insert(WhoRole, "who"_ba);
    names.insert(DirectionRole, "direction"_ba);
    names.insert(ClientRole, "client"_ba);
    names.insert(KindRole, "kind"_ba);
    names.insert(BytesRole, "bytes"_ba);
    names.insert(TextRole, "text"_ba);
    names.insert(HexRole, "hex"_ba);
    names.insert(ProblemRole, "problem"_ba);
    names.insert(LineRole, "line"_ba);
    names.insert(OriginRole, "origin"_ba);
    names.insert(SizeTextRole, "sizeText"_ba);
    names.insert(FieldRole, "field"_ba);
    names.insert(TagRole, "tag"_ba);
    names.insert(RuleRole, "rule"_ba);
    return names;
}

LogFilterProxy::LogFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // Rows are filtered when they arrive and when the filter changes; the
    // hex toggle changes every row's display and must not refilter them all.
    setDynamicSortFilter(false);
}

void LogFilterProxy::setFilterText(const QString &text)
{
    if (m_text == text)
        return;
    m_text = text;
    invalidateFilter();
}

void LogFilterProxy::setClientFilter(const QSet<quint64> &clients)
{
    if (m_clients == clients)
        return;
    m_clients = clients;
    invalidateFilter();
}

bool LogFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *log = qobject_cast<const LogModel *>(sourceModel());
    if (!log || sourceParent.isValid())
        return true;
    const Log::Event &event = log->entry(sourceRow);
    if (!m_clients.isEmpty() && !m_clients.contains(event.localClient()))
        return false;   // a remote client's number is not one of ours: localClient() is 0 for it
    if (m_text.isEmpty())
        return true;
    if (LogModel::describe(event).contains(m_text, Qt::CaseInsensitive) || LogModel::who(event).contains(m_text, Qt::CaseInsensitive)
        || LogModel::tag(event).contains(m_text, Qt::CaseInsensitive))
        return true;
    return log->showsHex(event) && DisplayText::hex(event.data()).contains(m_text, Qt::CaseInsensitive);
}

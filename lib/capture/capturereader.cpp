// SPDX-License-Identifier: MIT
#include "capture/capturereader.h"

#include "capture/logreader.h"
#include "capture/pcapng.h"

#include <pcap/pcap.h>

#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

using namespace Qt::Literals::StringLiterals;

/*
 * pcapng, as read here (draft-ietf-opsawg-pcapng): a file is blocks of
 *   [type u32][total length u32][body][total length u32], padded to 32 bits,
 * in the byte order of its section, told by the Section Header Block's magic:
 *   Section Header       0x0A0D0D0A  [byte-order magic 0x1A2B3C4D][major u16][minor u16][section length i64][options]
 *   Interface Description 0x00000001 [link type u16][reserved u16][snap length u32][options: if_tsresol (9)]
 *   Enhanced Packet       0x00000006 [interface u32][time high u32][time low u32][captured u32][original u32]
 *                                    [frame, padded][options: opt_comment (1)]
 * Other blocks are skipped. Options: [code u16][length u16][value, padded]; code 0 ends them.
 */

namespace {

using namespace Pcapng;
constexpr int LinkEthernet = 1, LinkRaw = 101, LinkIpv4 = 228, LinkIpv6 = 229;
constexpr quint8 TcpSyn = 0x02, TcpRst = 0x04, TcpAck = 0x10;

quint32 swap32(quint32 v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

quint16 be16(const uchar *p)
{
    return quint16(p[0] << 8 | p[1]);
}
quint32 be32(const uchar *p)
{
    return quint32(p[0]) << 24 | quint32(p[1]) << 16 | quint32(p[2]) << 8 | p[3];
}

/** One side of a connection: address bytes (4 or 16) and port. */
struct Endpoint {
    QByteArray address;
    quint16 port = 0;
    bool operator==(const Endpoint &o) const { return port == o.port && address == o.address; }
    bool operator<(const Endpoint &o) const { return address != o.address ? address < o.address : port < o.port; }
};

/** A TCP segment taken out of a frame. */
struct Segment {
    Endpoint source, destination;
    quint32 seq = 0;
    quint8 flags = 0;
    QByteArray payload;
};

/** The TCP segment in @p frame of link type @p link; nothing if it is not IPv4/IPv6 TCP. */
std::optional<Segment> segmentIn(QByteArrayView frame, int link)
{
    const auto *p = reinterpret_cast<const uchar *>(frame.data());
    qsizetype size = frame.size();
    quint16 etherType = 0;
    if (link == LinkEthernet) {
        if (size < 14)
            return std::nullopt;
        etherType = be16(p + 12);
        p += 14;
        size -= 14;
        while (etherType == 0x8100 || etherType == 0x88A8) {   // 802.1Q / 802.1ad tags
            if (size < 4)
                return std::nullopt;
            etherType = be16(p + 2);
            p += 4;
            size -= 4;
        }
    } else if (link == LinkRaw || link == LinkIpv4 || link == LinkIpv6) {
        if (size < 1)
            return std::nullopt;
        etherType = (p[0] >> 4) == 6 ? 0x86DD : 0x0800;
    } else {
        return std::nullopt;
    }
    Segment s;
    qsizetype ipHeader = 0, ipTotal = 0;
    if (etherType == 0x0800) {
        if (size < 20 || (p[0] >> 4) != 4 || p[9] != 6)
            return std::nullopt;
        if ((be16(p + 6) & 0x3fff) != 0)
            return std::nullopt;   // a fragment: not what a capture of ours holds
        ipHeader = (p[0] & 0x0f) * 4;
        ipTotal = be16(p + 2);
        s.source.address = QByteArray(reinterpret_cast<const char *>(p + 12), 4);
        s.destination.address = QByteArray(reinterpret_cast<const char *>(p + 16), 4);
    } else if (etherType == 0x86DD) {
        if (size < 40 || (p[0] >> 4) != 6 || p[6] != 6)
            return std::nullopt;
        ipHeader = 40;
        ipTotal = 40 + be16(p + 4);
        s.source.address = QByteArray(reinterpret_cast<const char *>(p + 8), 16);
        s.destination.address = QByteArray(reinterpret_cast<const char *>(p + 24), 16);
    } else {
        return std::nullopt;
    }
    if (ipHeader < 20 || ipTotal > size || ipTotal < ipHeader + 20)
        return std::nullopt;   // cut by a snap length, or malformed
    const uchar *tcp = p + ipHeader;
    const qsizetype tcpHeader = (tcp[12] >> 4) * 4;
    if (tcpHeader < 20 || ipHeader + tcpHeader > ipTotal)
        return std::nullopt;
    s.source.port = be16(tcp);
    s.destination.port = be16(tcp + 2);
    s.seq = be32(tcp + 4);
    s.flags = tcp[13];
    s.payload = QByteArray(reinterpret_cast<const char *>(tcp + tcpHeader), ipTotal - ipHeader - tcpHeader);
    return s;
}

/** Puts segments together into streams, one client each. */
class StreamAssembler
{
public:
    void add(qint64 timeUs, QByteArrayView frame, int link, QByteArrayView comment)
    {
        const std::optional<Segment> s = segmentIn(frame, link);
        if (!s)
            return;
        const Key key = s->source < s->destination ? Key { s->source, s->destination } : Key { s->destination, s->source };
        const bool opening = (s->flags & TcpSyn) && !(s->flags & TcpAck);
        auto it = m_open.find(key);
        if (opening && (it == m_open.end() || m_streams[it->second].isn != s->seq)) {
            Stream stream;
            stream.client = s->source;
            stream.isn = s->seq;
            stream.next = s->seq + 1;
            stream.order = quint64(m_streams.size()) + 1;
            static const QRegularExpression commented(u"^SpreadSite\\b.*#(\\d+)"_s);
            const auto match = commented.match(QString::fromUtf8(comment));
            if (match.hasMatch())
                stream.id = match.captured(1).toULongLong();
            m_streams.push_back(std::move(stream));
            it = m_open.insert_or_assign(key, m_streams.size() - 1).first;
        }
        if (it == m_open.end())
            return;   // a stream whose SYN is not in the file: its client is unknown
        Stream &stream = m_streams[it->second];
        if (!(s->source == stream.client) || s->payload.isEmpty() || (s->flags & (TcpSyn | TcpRst)))
            return;
        stream.early.emplace(qint32(s->seq - stream.next), Recording::Chunk { timeUs, s->payload });
        stream.drain(false);
    }

    Recording finish(Recording::Source source)
    {
        Recording recording;
        recording.source = source;
        std::map<quint64, Recording::Client> byId;
        for (Stream &stream : m_streams) {
            stream.drain(true);
            if (stream.chunks.isEmpty())
                continue;
            quint64 id = stream.id ? stream.id : stream.order;
            while (byId.count(id))   // two streams claim one id (a capture of two servers): keep both
                id += 1000000;
            byId[id] = Recording::Client { id, std::move(stream.chunks) };
        }
        for (auto &[id, client] : byId)
            recording.clients.append(std::move(client));
        return recording;
    }

private:
    struct Key {
        Endpoint a, b;
        bool operator<(const Key &o) const { return a == o.a ? b < o.b : a < o.a; }
    };
    struct Stream {
        Endpoint client;
        quint32 isn = 0;
        quint32 next = 0;   // the sequence number of the next byte wanted
        quint64 id = 0;     // from the SYN's comment; 0: none
        quint64 order = 0;
        QList<Recording::Chunk> chunks;
        // Segments not yet taken, by their distance from next (negative: they start before it).
        std::multimap<qint32, Recording::Chunk> early;

        /** Takes what continues the stream; with @p all, also what follows a gap that never filled. */
        void drain(bool all)
        {
            while (!early.empty()) {
                const auto first = early.begin();
                const qint32 offset = first->first;
                Recording::Chunk chunk = std::move(first->second);
                early.erase(first);
                if (offset > 0 && !all) {
                    early.emplace(offset, std::move(chunk));
                    return;
                }
                const qint64 end = qint64(offset) + chunk.bytes.size();
                if (end <= 0)
                    continue;   // retransmitted: every byte is in already
                if (offset < 0)
                    chunk.bytes.remove(0, -offset);   // overlaps what is in: its new bytes only
                const quint32 taken = quint32(end);
                next += taken;
                // A segment that came early is sent when the gap before it filled: times never go back.
                if (!chunks.isEmpty())
                    chunk.timeUs = std::max(chunk.timeUs, chunks.last().timeUs);
                chunks.append(std::move(chunk));
                rebase(taken);
            }
        }
        /** next moved on by @p by: the distances of what waits shrink by it. */
        void rebase(quint32 by)
        {
            if (by == 0)
                return;
            std::multimap<qint32, Recording::Chunk> moved;
            for (auto &[offset, chunk] : early)
                moved.emplace(qint32(qint64(offset) - by), std::move(chunk));
            early = std::move(moved);
        }
    };

    std::map<Key, std::size_t> m_open;   // the newest stream of each 4-tuple
    std::vector<Stream> m_streams;       // in order of appearance
};

/** Reads pcapng blocks in their section's byte order. */
class BlockReader
{
public:
    explicit BlockReader(QByteArrayView data) : m_data(data) { }

    bool atEnd() const { return m_at >= m_data.size(); }
    qsizetype offset() const { return m_at; }
    quint32 u32(qsizetype at) const
    {
        quint32 v = 0;
        std::memcpy(&v, m_data.data() + at, 4);
        return m_swapped ? swap32(v) : v;
    }
    quint16 u16(qsizetype at) const
    {
        quint16 v = 0;
        std::memcpy(&v, m_data.data() + at, 2);
        return m_swapped ? quint16(v >> 8 | v << 8) : v;
    }
    QByteArrayView bytes(qsizetype at, qsizetype n) const { return m_data.sliced(at, n); }

    /** The next block: its type, where its body starts and its length; an error if it does not fit. */
    bool next(quint32 *type, qsizetype *body, qsizetype *bodyLength, QString *error)
    {
        const qsizetype left = m_data.size() - m_at;
        if (left < 12) {
            *error = u"truncated pcapng block at offset %1"_s.arg(m_at);
            return false;
        }
        quint32 raw = 0;
        std::memcpy(&raw, m_data.data() + m_at, 4);
        if (raw == SectionHeader) {   // a new section: its byte order first
            if (left < 28) {
                *error = u"truncated pcapng block at offset %1"_s.arg(m_at);
                return false;
            }
            quint32 magic = 0;
            std::memcpy(&magic, m_data.data() + m_at + 8, 4);
            if (magic != ByteOrderMagic && magic != swap32(ByteOrderMagic)) {
                *error = u"bad pcapng byte-order magic at offset %1"_s.arg(m_at + 8);
                return false;
            }
            m_swapped = magic != ByteOrderMagic;
        }
        *type = u32(m_at);
        const quint32 total = u32(m_at + 4);
        if (total < 12 || total % 4 != 0 || qsizetype(total) > left) {
            *error = total > quint32(left) ? u"truncated pcapng block at offset %1 (%2 bytes said, %3 left)"_s.arg(m_at).arg(total).arg(left)
                                           : u"bad pcapng block length %1 at offset %2"_s.arg(total).arg(m_at);
            return false;
        }
        if (u32(m_at + total - 4) != total) {
            *error = u"bad pcapng block at offset %1: its two lengths differ"_s.arg(m_at);
            return false;
        }
        *body = m_at + 8;
        *bodyLength = total - 12;
        m_at += total;
        return true;
    }

    /** The value of option @p code among the options at [at, end); nothing if absent. */
    std::optional<QByteArrayView> option(qsizetype at, qsizetype end, quint16 code) const
    {
        while (at + 4 <= end) {
            const quint16 c = u16(at), length = u16(at + 2);
            if (c == 0 || at + 4 + length > end)
                return std::nullopt;
            if (c == code)
                return bytes(at + 4, length);
            at += 4 + ((length + 3) & ~3);
        }
        return std::nullopt;
    }

private:
    QByteArrayView m_data;
    qsizetype m_at = 0;
    bool m_swapped = false;
};

struct Interface {
    int link = 0;
    qint64 unitsPerSecond = 1000000;   // if_tsresol; default microseconds
};

/** @p units of @p iface as µs. */
qint64 toUs(quint64 units, const Interface &iface)
{
    if (iface.unitsPerSecond == 1000000)
        return qint64(units);
    const qint64 seconds = qint64(units / quint64(iface.unitsPerSecond));
    const qint64 rest = qint64(units % quint64(iface.unitsPerSecond));
    return seconds * 1000000 + rest * 1000000 / iface.unitsPerSecond;
}

} // namespace

const Recording::Client *Recording::client(quint64 id) const
{
    const auto it = std::find_if(clients.cbegin(), clients.cend(), [id](const Client &c) { return c.id == id; });
    return it == clients.cend() ? nullptr : &*it;
}

QList<quint64> Recording::ids() const
{
    QList<quint64> ids;
    for (const Client &c : clients)
        ids.append(c.id);
    return ids;
}

std::optional<Recording> CaptureReader::read(const QString &fileName, QString *error)
{
    const auto fail = [&](const QString &why) {
        *error = u"%1: %2"_s.arg(fileName, why);
        return std::nullopt;
    };
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    // Mapped, not read: a capture may be as large as --capture-max-bytes allows.
    const qint64 size = file.size();
    const uchar *mapped = size > 0 ? file.map(0, size) : nullptr;
    QByteArray readIn;
    if (!mapped && size > 0) {
        readIn = file.readAll();
        if (file.error() != QFileDevice::NoError)
            return fail(file.errorString());
    }
    const QByteArrayView data = mapped ? QByteArrayView(mapped, size) : QByteArrayView(readIn);
    quint32 magic = 0;
    if (data.size() >= 4)
        std::memcpy(&magic, data.data(), 4);
    std::optional<Recording> recording;
    QString why;
    if (magic == SectionHeader) {
        recording = readPcapng(data, &why);
    } else if (magic == PcapMagicUs || magic == swap32(PcapMagicUs) || magic == PcapMagicNs || magic == swap32(PcapMagicNs)) {
        recording = readPcap(fileName, &why);
    } else if (LogReader::looksLikeLog(data)) {
        recording = LogReader::read(data, &why);
    } else {
        return fail(u"not a capture (pcapng, pcap) nor a JSON Lines log"_s);
    }
    if (!recording)
        return fail(why);
    return recording;
}

std::optional<Recording> CaptureReader::readPcapng(QByteArrayView data, QString *error)
{
    BlockReader reader(data);
    StreamAssembler streams;
    QList<Interface> interfaces;
    while (!reader.atEnd()) {
        quint32 type = 0;
        qsizetype body = 0, length = 0;
        if (!reader.next(&type, &body, &length, error))
            return std::nullopt;
        const qsizetype end = body + length;
        if (type == SectionHeader) {
            if (length < 16) {
                *error = u"bad pcapng section header at offset %1"_s.arg(body - 8);
                return std::nullopt;
            }
            interfaces.clear();   // interface numbers are per section
        } else if (type == InterfaceDescription) {
            if (length < 8) {
                *error = u"bad pcapng interface description at offset %1"_s.arg(body - 8);
                return std::nullopt;
            }
            Interface iface;
            iface.link = reader.u16(body);
            if (const auto resolution = reader.option(body + 8, end, IfTsresol); resolution && !resolution->isEmpty()) {
                const quint8 r = quint8(resolution->at(0));
                const int exponent = r & 0x7f;
                if (exponent > 18) {
                    *error = u"unsupported pcapng time resolution %1 at offset %2"_s.arg(r).arg(body - 8);
                    return std::nullopt;
                }
                qint64 units = 1;
                for (int i = 0; i < exponent; ++i)
                    units *= (r & 0x80) ? 2 : 10;
                iface.unitsPerSecond = units;
            }
            interfaces.append(iface);
        } else if (type == EnhancedPacket) {
            if (length < 20) {
                *error = u"bad pcapng packet block at offset %1"_s.arg(body - 8);
                return std::nullopt;
            }
            const quint32 index = reader.u32(body);
            const quint64 units = quint64(reader.u32(body + 4)) << 32 | reader.u32(body + 8);
            const quint32 captured = reader.u32(body + 12);
            const qsizetype frameEnd = body + 20 + ((qsizetype(captured) + 3) & ~qsizetype(3));
            if (frameEnd > end) {
                *error = u"bad pcapng packet block at offset %1: its frame is longer than the block"_s.arg(body - 8);
                return std::nullopt;
            }
            if (index >= quint32(interfaces.size())) {
                *error = u"pcapng packet at offset %1 names interface %2, which is not described"_s.arg(body - 8).arg(index);
                return std::nullopt;
            }
            const Interface &iface = interfaces.at(index);
            const QByteArrayView comment = reader.option(frameEnd, end, OptComment).value_or(QByteArrayView());
            streams.add(toUs(units, iface), reader.bytes(body + 20, captured), iface.link, comment);
        }
    }
    return streams.finish(Recording::Source::Pcapng);
}

std::optional<Recording> CaptureReader::readPcap(const QString &fileName, QString *error)
{
    char message[PCAP_ERRBUF_SIZE] = {};
    pcap_t *pcap = pcap_open_offline_with_tstamp_precision(QFile::encodeName(fileName).constData(),
                                                            PCAP_TSTAMP_PRECISION_MICRO, message);
    if (!pcap) {
        *error = QString::fromLocal8Bit(message);
        return std::nullopt;
    }
    const int link = pcap_datalink(pcap);
    StreamAssembler streams;
    pcap_pkthdr *header = nullptr;
    const u_char *frame = nullptr;
    int result = 0;
    while ((result = pcap_next_ex(pcap, &header, &frame)) == 1) {
        const qint64 timeUs = qint64(header->ts.tv_sec) * 1000000 + header->ts.tv_usec;
        streams.add(timeUs, QByteArrayView(frame, header->caplen), link, {});
    }
    if (result == PCAP_ERROR) {   // a truncated record, for one
        *error = QString::fromLocal8Bit(pcap_geterr(pcap));
        pcap_close(pcap);
        return std::nullopt;
    }
    pcap_close(pcap);
    return streams.finish(Recording::Source::Pcap);
}

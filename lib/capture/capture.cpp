// SPDX-License-Identifier: MIT
#include "capture/capture.h"

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace {

constexpr qsizetype MaxSegment = 65000;         // payload per frame: an IPv4 total length is 16 bits
constexpr qsizetype BatchBytes = 1024 * 1024;   // a batch this big goes to the writer at once
// A batch's buffer: the writer's block, the offset that keeps the records where the file will
// have them, a full batch and its last record (a whole segment and a long close reason).
constexpr qsizetype BatchCapacity = 2 * CaptureFile::BlockAlign + BatchBytes + 128 * 1024;
// Buffers of batches written are kept for the next ones while traffic goes on (at most the
// queue's worth, MaxQueuedBytes), and all but SpareBatches freed after IdleTrimMs without any.
constexpr size_t SpareBatches = 4;
constexpr int IdleTrimMs = 1000;
constexpr int FlushMs = 20;
// Locally administered MAC addresses ("SS"): the client's and the server's side.
constexpr char ClientMac[6] = { 0x02, 0x53, 0x53, 0x00, 0x00, 0x01 };
constexpr char ServerMac[6] = { 0x02, 0x53, 0x53, 0x00, 0x00, 0x02 };

class Words
{
    Q_DECLARE_TR_FUNCTIONS(Capture)
};

qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void be16(char *p, quint16 v)
{
    p[0] = char(v >> 8);
    p[1] = char(v & 0xff);
}
void be32(char *p, quint32 v)
{
    be16(p, quint16(v >> 16));
    be16(p + 2, quint16(v & 0xffff));
}

/**
 * The ones' complement sum of @p n bytes, added to @p sum (RFC 1071), 32
 * bytes at a time: the sum of big-endian 16-bit words is the byte-swapped
 * sum of little-endian ones, so words are added as the machine reads them
 * and swapped once at the end (RFC 1071 section 2(B)).
 */
quint32 sum16(const char *p, qsizetype n, quint32 sum = 0)
{
    // 32-bit words into 64-bit sums, four apart so that they add in parallel; none can carry
    // out below 2^32 words, and a frame has fewer than 2^14.
    quint64 wide = 0;
    {
        quint64 a = 0, b = 0, c = 0, d = 0;
        for (; n >= 32; n -= 32, p += 32) {
            quint64 w[4];
            std::memcpy(w, p, 32);
            a += (w[0] & 0xffffffffu) + (w[0] >> 32);
            b += (w[1] & 0xffffffffu) + (w[1] >> 32);
            c += (w[2] & 0xffffffffu) + (w[2] >> 32);
            d += (w[3] & 0xffffffffu) + (w[3] >> 32);
        }
        wide = a + b + c + d;
    }
    for (; n >= 8; n -= 8, p += 8) {
        quint64 w;
        std::memcpy(&w, p, 8);
        const quint64 low = w & 0xffffffffu, high = w >> 32;
        wide += low + high;
    }
    for (; n >= 4; n -= 4, p += 4) {
        quint32 w;
        std::memcpy(&w, p, 4);
        wide += w;
    }
    // Fold to 16 bits in the machine's order, then swap into network order.
    while (wide >> 16)
        wide = (wide & 0xffff) + (wide >> 16);
    if constexpr (Q_BYTE_ORDER == Q_LITTLE_ENDIAN)
        wide = ((wide & 0xff) << 8) | (wide >> 8);
    quint32 total = sum + quint32(wide);
    const auto *u = reinterpret_cast<const quint8 *>(p);
    for (; n > 1; n -= 2, u += 2)
        total += quint32(u[0] << 8 | u[1]);
    if (n)
        total += quint32(u[0] << 8);
    return total;
}
quint16 fold(quint32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return quint16(~sum);
}

/** An IPv4-mapped IPv6 address as the IPv4 address it is. */
QHostAddress plain(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

/** Initial sequence numbers, one per side: fixed per client id, so two captures of one run agree. */
quint32 isn(quint64 id, bool client)
{
    return quint32(id * 2654435761u) ^ (client ? 0x10000000u : 0x20000000u);
}

} // namespace

Capture::Capture(QObject *parent)
    : QObject(parent)
{
    m_flushTimer.setInterval(FlushMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &Capture::handOver);
}

Capture::~Capture()
{
    stop();
}

QString Capture::description(const QHostAddress &address, quint16 port)
{
    return u"SpreadSite server on %1 port %2"_s.arg(address.toString()).arg(port);
}

bool Capture::start(const QString &fileName, qint64 maxBytes, const QString &description)
{
    if (m_running || m_writer.joinable())
        return false;
    m_fileName = fileName;
    m_format = CaptureFile::formatFor(fileName);
    m_maxBytes = maxBytes;
    if (!m_file.open(fileName, m_format, description)) {
        m_error = m_file.errorString();
        return false;
    }
    m_written = m_file.size();
    m_nextOffset = m_file.size();
    m_direct = m_file.isDirect();
    // A file over the process's size limit (RLIMIT_FSIZE) must be a write error that stops the
    // capture, as a full disk is, not SIGXFSZ ending the server.
    std::signal(SIGXFSZ, SIG_IGN);
    m_quit = false;
    m_running = true;
    m_writer = std::thread([this] { writerLoop(); });
    m_flushTimer.start();
    return true;
}

void Capture::stop()
{
    m_flushTimer.stop();
    if (m_running) {
        m_streams.finishClosing(nowUs());
        handOver();
    }
    m_running = false;
    {
        const std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_one();
    if (m_writer.joinable()) {
        m_writer.join();
        m_written = m_file.size();   // the writer is gone: its file can be read here
    }
    m_streams.clear();
    m_origins.clear();
    m_batch = {};
    m_spare.clear();   // the writer is gone
}

void Capture::Batch::Free::operator()(char *p) const
{
    std::free(p);
}

Capture::Batch Capture::takeBatch(qsizetype recordBytes)
{
    const qsizetype begin = CaptureFile::BlockAlign + qsizetype(m_nextOffset % CaptureFile::BlockAlign);
    Batch batch;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_spare.empty() && m_spare.back().capacity >= begin + recordBytes) {
            batch = std::move(m_spare.back());
            m_spare.pop_back();
        }
    }
    if (!batch.data) {
        const qsizetype capacity = std::max(BatchCapacity, (begin + recordBytes + CaptureFile::BlockAlign - 1)
                                                                   / CaptureFile::BlockAlign * CaptureFile::BlockAlign);
        batch.data.reset(static_cast<char *>(std::aligned_alloc(size_t(CaptureFile::BlockAlign), size_t(capacity))));
        Q_CHECK_PTR(batch.data.get());
        batch.capacity = capacity;
    }
    batch.begin = begin;
    batch.size = 0;
    return batch;
}

void Capture::recycle(Batch &&batch)
{
    Batch gone;   // freed outside the lock
    const std::lock_guard lock(m_mutex);
    if (batch.capacity == BatchCapacity)
        m_spare.push_back(std::move(batch));
    else
        gone = std::move(batch);
}

void Capture::trimSpares()
{
    std::vector<Batch> gone;   // freed outside the lock
    const std::lock_guard lock(m_mutex);
    while (m_spare.size() > SpareBatches) {
        gone.push_back(std::move(m_spare.back()));
        m_spare.pop_back();
    }
}

QByteArray TcpStreams::openComment(quint64 id)
{
    // The file's own words: English, whatever the window's language, as tools and replays read them.
    return "SpreadSite client #" + QByteArray::number(id);
}

QByteArray TcpStreams::closeComment(quint64 id, const QString &reason)
{
    return "client #" + QByteArray::number(id) + ": " + reason.toUtf8();
}

QList<quint64> TcpStreams::ids() const
{
    QList<quint64> ids;
    ids.reserve(qsizetype(m_streams.size()));
    for (const auto &[id, stream] : m_streams)
        ids.append(id);
    return ids;
}

TcpStreams::Headers TcpStreams::headersOf(const Stream &s, bool fromClient)
{
    Headers out;
    char *f = out.bytes.data();
    std::memcpy(f, fromClient ? ServerMac : ClientMac, 6);   // destination first
    std::memcpy(f + 6, fromClient ? ClientMac : ServerMac, 6);
    be16(f + 12, s.v6 ? 0x86DD : 0x0800);
    char *h = f + 14;
    const QHostAddress &src = fromClient ? s.ends.peer : s.ends.local;
    const QHostAddress &dst = fromClient ? s.ends.local : s.ends.peer;
    if (s.v6) {
        be32(h, 0x60000000);
        h[6] = 6;     // TCP
        h[7] = 64;    // hop limit
        const Q_IPV6ADDR a = src.toIPv6Address(), b = dst.toIPv6Address();
        std::memcpy(h + 8, a.c, 16);
        std::memcpy(h + 24, b.c, 16);
        out.tcpSum = sum16(h + 8, 32, 6);
    } else {
        h[0] = 0x45;
        be16(h + 6, 0x4000);   // don't fragment
        h[8] = 64;
        h[9] = 6;
        be32(h + 12, src.toIPv4Address());
        be32(h + 16, dst.toIPv4Address());
        out.ipSum = sum16(h, 20);   // its length and checksum are still 0
        out.tcpSum = sum16(h + 12, 8, 6);
    }
    char *tcp = h + (s.v6 ? 40 : 20);
    be16(tcp, fromClient ? s.ends.peerPort : s.ends.localPort);
    be16(tcp + 2, fromClient ? s.ends.localPort : s.ends.peerPort);
    be16(tcp + 14, 65535);
    out.tcpSum = sum16(tcp, 20, out.tcpSum);   // ports and window: the rest of it is still 0
    return out;
}

void TcpStreams::frame(const Stream &s, qint64 timeUs, bool fromClient, quint8 flags, QByteArrayView payload,
                       QByteArrayView comment)
{
    const Headers &headers = fromClient ? s.fromClient : s.fromServer;
    const qsizetype ip = s.v6 ? 40 : 20;
    const qsizetype size = 14 + ip + 20 + payload.size();
    char *f = m_sink->reserve(timeUs, size, comment);
    std::memcpy(f, headers.bytes.data(), size_t(14 + ip + 20));
    char *h = f + 14;
    const quint16 tcpBytes = quint16(20 + payload.size());
    if (s.v6) {
        be16(h + 4, tcpBytes);
    } else {
        be16(h + 2, quint16(20 + tcpBytes));
        be16(h + 10, fold(headers.ipSum + quint32(20 + tcpBytes)));
    }
    char *tcp = h + ip;
    const quint32 seq = fromClient ? s.clientSeq : s.serverSeq;
    const quint32 ack = (flags & Ack) ? (fromClient ? s.serverSeq : s.clientSeq) : 0;
    be32(tcp + 4, seq);
    be32(tcp + 8, ack);
    tcp[12] = 0x50;   // 20-byte header
    tcp[13] = char(flags);
    if (!payload.isEmpty())
        std::memcpy(tcp + 20, payload.data(), size_t(payload.size()));
    const quint32 sum = headers.tcpSum + tcpBytes + (seq >> 16) + (seq & 0xffff) + (ack >> 16) + (ack & 0xffff)
            + (0x5000u | flags);
    be16(tcp + 16, fold(sum16(tcp + 20, payload.size(), sum)));
    m_sink->commit();
}

void TcpStreams::open(quint64 id, const Endpoints &endpoints, qint64 timeUs, const QByteArray &comment)
{
    Stream s;
    s.ends = endpoints;
    s.ends.peer = plain(endpoints.peer);
    s.ends.local = plain(endpoints.local);
    s.v6 = s.ends.peer.protocol() == QAbstractSocket::IPv6Protocol || s.ends.local.protocol() == QAbstractSocket::IPv6Protocol;
    if (s.v6) {   // one side IPv4, the other IPv6: both as IPv6
        s.ends.peer = QHostAddress(s.ends.peer.toIPv6Address());
        s.ends.local = QHostAddress(s.ends.local.toIPv6Address());
    }
    s.clientSeq = isn(id, true);
    s.serverSeq = isn(id, false);
    s.fromClient = headersOf(s, true);
    s.fromServer = headersOf(s, false);
    frame(s, timeUs, true, Syn, {}, comment.isEmpty() ? openComment(id) : comment);
    ++s.clientSeq;
    frame(s, timeUs, false, Syn | Ack, {});
    ++s.serverSeq;
    frame(s, timeUs, true, Ack, {});
    m_streams.insert_or_assign(id, std::move(s));
}

void TcpStreams::data(quint64 id, bool fromClient, QByteArrayView bytes, qint64 timeUs)
{
    const auto it = m_streams.find(id);
    if (it == m_streams.end())
        return;
    Stream &s = it->second;
    for (qsizetype at = 0; at < bytes.size(); at += MaxSegment) {
        const QByteArrayView piece = bytes.sliced(at, std::min(MaxSegment, bytes.size() - at));
        frame(s, timeUs, fromClient, Psh | Ack, piece);
        (fromClient ? s.clientSeq : s.serverSeq) += quint32(piece.size());
    }
}

void TcpStreams::closing(quint64 id, const QString &reason, End end, qint64 timeUs)
{
    const auto it = m_streams.find(id);
    if (it == m_streams.end())
        return;
    Stream &s = it->second;
    s.end = end;
    s.closing = true;
    s.closeComment = closeComment(id, reason);
    switch (end) {
    case End::Reset:
    case End::PeerReset:
        frame(s, timeUs, end == End::PeerReset, Rst | Ack, {}, s.closeComment);
        m_streams.erase(it);
        return;
    case End::PeerClosed:
        frame(s, timeUs, true, Fin | Ack, {}, s.closeComment);   // its FIN came first
        ++s.clientSeq;
        return;
    case End::Closed:
        return;   // what is queued goes first; the FIN follows when the socket closes
    }
}

void TcpStreams::closed(quint64 id, qint64 timeUs)
{
    const auto it = m_streams.find(id);
    if (it == m_streams.end())
        return;
    Stream &s = it->second;
    if (s.end == End::PeerClosed) {
        frame(s, timeUs, false, Fin | Ack, {});
        ++s.serverSeq;
        frame(s, timeUs, true, Ack, {});
    } else {
        frame(s, timeUs, false, Fin | Ack, {}, s.closeComment.isEmpty() ? closeComment(id, {}) : s.closeComment);
        ++s.serverSeq;
        frame(s, timeUs, true, Fin | Ack, {});
        ++s.clientSeq;
        frame(s, timeUs, false, Ack, {});
    }
    m_streams.erase(it);
}

void TcpStreams::finishClosing(qint64 timeUs)
{
    QList<quint64> closing;
    for (const auto &[id, stream] : m_streams) {
        if (stream.closing)
            closing.append(id);
    }
    std::sort(closing.begin(), closing.end());   // in the order the clients came
    for (quint64 id : std::as_const(closing))
        closed(id, timeUs);
}

char *Capture::reserve(qint64 timeUs, qsizetype frameBytes, QByteArrayView comment)
{
    const qsizetype bytes = CaptureFile::recordSize(m_format, frameBytes, comment.size());
    if (!m_batch.data || m_batch.begin + m_batch.size + bytes > m_batch.capacity) {
        handOver();
        if (!m_batch.data || m_batch.begin + bytes > m_batch.capacity) {
            if (m_batch.data)
                recycle(std::exchange(m_batch, {}));   // empty (its records were dropped), and too small for this one
            m_batch = takeBatch(bytes);
        }
    }
    char *record = m_batch.data.get() + m_batch.begin + m_batch.size;
    m_batch.size += bytes;
    return CaptureFile::putRecord(record, m_format, timeUs, frameBytes, comment);
}

void Capture::commit()
{
    if (m_batch.size >= BatchBytes)
        handOver();
}

void Capture::opened(quint64 id, const Endpoints &endpoints)
{
    if (!m_running)
        return;
    // A client already connected when the capture began: its handshake is drawn, and said to be made up.
    const QByteArray comment = endpoints.midStream
            ? TcpStreams::openComment(id) + " (connected before the capture began)"
            : QByteArray();
    m_streams.open(id, endpoints, nowUs(), comment);
}

void Capture::received(quint64 id, QByteArrayView bytes)
{
    if (m_running)
        m_streams.data(id, true, bytes, nowUs());
}

void Capture::sent(quint64 id, QByteArrayView bytes)
{
    if (m_running)
        m_streams.data(id, false, bytes, nowUs());
}

void Capture::closing(quint64 id, const QString &reason, End end)
{
    if (m_running)
        m_streams.closing(id, reason, end, nowUs());
}

void Capture::setServerEndpoint(const QHostAddress &address, quint16 port)
{
    m_serverAddress = address;
    m_serverPort = port;
}

void Capture::remote(const QString &origin, QByteArrayView bytes)
{
    if (!m_running)
        return;
    auto it = m_origins.find(origin);
    if (it == m_origins.end()) {
        // Ids far above any client's: a server numbers its clients from 1 up.
        const quint64 id = (quint64(1) << 63) + quint64(m_origins.size()) + 1;
        Endpoints ends;
        ends.peer = QHostAddress(QHostAddress::AnyIPv4);
        ends.peerPort = quint16(m_origins.size() + 1);
        ends.local = m_serverAddress;
        ends.localPort = m_serverPort;
        m_streams.open(id, ends, nowUs(), "SpreadSite cluster server " + origin.toUtf8());
        it = m_origins.insert(origin, id);
    }
    m_streams.data(it.value(), true, bytes, nowUs());
}

void Capture::closed(quint64 id)
{
    if (m_running)
        m_streams.closed(id, nowUs());
}

void Capture::handOver()
{
    if (m_batch.size == 0) {
        if (++m_idleTicks == IdleTrimMs / FlushMs)
            trimSpares();   // a peak's buffers go back once it is over
        return;
    }
    m_idleTicks = 0;
    Batch batch = std::exchange(m_batch, {});
    bool dropped = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_queuedBytes + batch.size > MaxQueuedBytes) {
            dropped = true;
        } else {
            m_queuedBytes += batch.size;
            m_nextOffset += batch.size;
            m_queue.push_back(std::move(batch));
        }
    }
    if (!dropped) {
        m_wake.notify_one();
        return;
    }
    const char *records = batch.data.get() + batch.begin;
    for (qsizetype at = 0; at < batch.size; at += CaptureFile::recordSizeAt(m_format, records + at))
        ++m_dropped;
    batch.size = 0;
    m_batch = std::move(batch);   // the next records take its place: the file goes on where it was
    if (m_dropped >= m_droppedSaid * 2 || m_droppedSaid == 0) {   // said when it doubles, not per batch
        m_droppedSaid = m_dropped;
        emit framesDropped(m_dropped);
    }
}

void Capture::writerLoop()
{
    QString failure;
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_queue.empty(); });
            if (m_queue.empty())
                break;   // quitting, everything written
            batch = std::move(m_queue.front());
            m_queue.pop_front();
            m_queuedBytes -= batch.size;
        }
        if (failure.isEmpty()) {
            // The records that fit under the size limit, all written at once.
            const char *records = batch.data.get() + batch.begin;
            qsizetype fit = 0;
            while (fit < batch.size) {
                const qsizetype next = CaptureFile::recordSizeAt(m_format, records + fit);
                if (m_file.size() + fit + next > m_maxBytes)
                    break;
                fit += next;
            }
            if (fit > 0 && !m_file.writeRecords(batch.data.get(), batch.begin, fit))
                failure = u"%1: %2"_s.arg(m_fileName, m_file.errorString());
            else if (fit < batch.size)
                failure = Words::tr("%1 reached its size limit of %2 bytes (--capture-max-bytes)")
                                  .arg(m_fileName)
                                  .arg(m_maxBytes);
            // Flushed after a size-limit stop too: the file is whole when the stop is said.
            if (!m_file.flush() && failure.isEmpty())
                failure = u"%1: %2"_s.arg(m_fileName, m_file.errorString());
            m_direct = m_file.isDirect();
            const qint64 written = m_file.size();
            QMetaObject::invokeMethod(this, [this, failure, written] { onWriterReport(failure, written); }, Qt::QueuedConnection);
        }
        recycle(std::move(batch));   // stopped: what still comes is discarded
    }
    m_file.close();
}

void Capture::onWriterReport(const QString &reason, qint64 written)
{
    m_written = std::max(m_written, written);   // a report still queued after stop() is older than stop()'s figure
    if (reason.isEmpty() || !m_running)
        return;   // a progress report, or already stopped
    m_running = false;
    m_error = reason;
    m_flushTimer.stop();
    m_streams.clear();
    m_origins.clear();
    m_batch = {};
    emit stoppedWithError(reason);
}

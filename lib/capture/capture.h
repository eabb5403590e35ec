// SPDX-License-Identifier: MIT
#pragma once

#include "capture/capturefile.h"
#include "core/traffictap.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

class SpreadServer;

/**
 * Synthetic TCP streams, one per client, as Ethernet frames: the SYN /
 * SYN-ACK / ACK of its opening, data segments whose sequence and
 * acknowledgement numbers advance with the bytes, FIN from the side that
 * closed first (RST for a reset), pcapng comments naming the client (on its
 * SYN) and its close reason (on its FIN or RST). Every call takes its time
 * (µs since the epoch) and hands each frame to a Sink as it is built.
 *
 * Used by Capture for live traffic and by a window's log to save what it
 * holds. Builds each frame once, in the sink's own buffer: no copy of the
 * payload but the one into the frame.
 */
class TcpStreams
{
public:
    using Endpoints = TrafficTap::Endpoints;
    using End = TrafficTap::End;

    /** Where frames go. */
    class Sink
    {
    public:
        virtual ~Sink() = default;
        /** Room for a frame of @p frameBytes captured at @p timeUs, with @p comment: it is built there, then committed. */
        virtual char *reserve(qint64 timeUs, qsizetype frameBytes, QByteArrayView comment) = 0;
        /** The frame reserve() gave room for is built. */
        virtual void commit() = 0;
    };

    explicit TcpStreams(Sink *sink)
        : m_sink(sink)
    {
    }

    /** "SpreadSite client #3": the comment on a client's SYN. */
    static QByteArray openComment(quint64 id);
    /** "client #3: reason": the comment on its FIN or RST. */
    static QByteArray closeComment(quint64 id, const QString &reason);

    /** Opens stream @p id (a handshake at @p timeUs), its SYN commented with @p comment (openComment() if empty). */
    void open(quint64 id, const Endpoints &endpoints, qint64 timeUs, const QByteArray &comment = {});
    /** @p bytes from the client (or to it), in segments of at most MaxSegment bytes; nothing if @p id is not open. */
    void data(quint64 id, bool fromClient, QByteArrayView bytes, qint64 timeUs);
    /** How stream @p id ends (Capture's TrafficTap::closing()): a reset ends it at once. */
    void closing(quint64 id, const QString &reason, End end, qint64 timeUs);
    /** Its socket is closed: the FINs still owed, and the stream is forgotten. */
    void closed(quint64 id, qint64 timeUs);
    /**
     * The streams whose close was said (closing()) but whose socket is not
     * closed yet end now, as closed() would end them: a capture stopped while
     * the server closes its clients has their FINs.
     */
    void finishClosing(qint64 timeUs);
    bool contains(quint64 id) const { return m_streams.find(id) != m_streams.end(); }
    /** The streams open, in no order. */
    QList<quint64> ids() const;
    int count() const { return int(m_streams.size()); }
    void clear() { m_streams.clear(); }

private:
    /** Ethernet, IPv6 and TCP: the longest headers of a frame. */
    static constexpr qsizetype MaxHeaders = 14 + 40 + 20;

    /**
     * The headers of one direction, made when the stream opens: everything but
     * the lengths, numbers, flags and checksums, with the sums of what stays
     * (RFC 1071: a checksum is the sum of its words, in any order), so that a
     * frame is a copy and a few words.
     */
    struct Headers {
        std::array<char, MaxHeaders> bytes {};
        quint32 ipSum = 0;    // the IPv4 header's words but its total length and checksum
        quint32 tcpSum = 0;   // the pseudo header's addresses and protocol, the ports and the window
    };
    struct Stream {
        Endpoints ends;
        bool v6 = false;
        quint32 clientSeq = 0;   // next sequence number of each side
        quint32 serverSeq = 0;
        Headers fromServer, fromClient;
        QByteArray closeComment;
        End end = End::Closed;
        bool closing = false;   // closing() was said
    };
    enum Flag : quint8 { Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10 };

    static Headers headersOf(const Stream &s, bool fromClient);
    void frame(const Stream &s, qint64 timeUs, bool fromClient, quint8 flags, QByteArrayView payload,
               QByteArrayView comment = {});

    Sink *m_sink;
    std::unordered_map<quint64, Stream> m_streams;
};

/**
 * `--capture FILE`: every client's traffic, both directions, as it crossed
 * the socket (after TLS decryption), written as pcapng or classic pcap
 * (CaptureFile) in a form Wireshark follows as TCP streams.
 *
 * Each client is one synthetic TCP connection: Ethernet and IPv4 or IPv6
 * headers carrying the client's real address and port and the server's,
 * SYN / SYN-ACK / ACK when it was accepted, sequence and acknowledgement
 * numbers that advance with the bytes, data segments timed when they were
 * read or written, FIN from the side that closed first (RST for a reset).
 * pcapng comments name the client (on its SYN) and its close reason (on its
 * FIN or RST).
 *
 * The engine's thread only builds frames into a batch; every 20 ms (or
 * 1 MiB) the batch goes to a writer thread that owns the file. At most
 * MaxQueuedBytes wait for the disk; more is dropped, counted, and said.
 * The capture stops, says why, and the server goes on, when the file
 * reaches its size limit (the file stays valid: only whole blocks are
 * written) or a write fails (a full disk).
 */
class Capture : public QObject, public TrafficTap, private TcpStreams::Sink
{
    Q_OBJECT

public:
    static constexpr qint64 MaxQueuedBytes = 64 * 1024 * 1024;

    explicit Capture(QObject *parent = nullptr);
    ~Capture() override;

    /** The capture's interface description for a server on @p address and @p port. */
    static QString description(const QHostAddress &address, quint16 port);
    /** Opens @p fileName (its format by its name) and starts; false and errorString() if it cannot be created. */
    bool start(const QString &fileName, qint64 maxBytes, const QString &description);
    /**
     * Writes what is waiting and closes the file; a capture stopped is not
     * restarted. Clients the server is closing get their FINs; those still
     * connected end without one, as in any capture stopped mid-stream.
     */
    void stop();
    bool isRunning() const { return m_running; }
    QString fileName() const { return m_fileName; }
    CaptureFile::Format format() const { return m_format; }
    QString errorString() const { return m_error; }
    /** Bytes in the file so far (as the writer last said). */
    qint64 bytesWritten() const { return m_written; }
    /** Whether the file is written without the page cache (CaptureFile), as the writer last said. */
    bool writesDirect() const { return m_direct.load(std::memory_order_relaxed); }
    /** Clients whose streams are open in the capture (their socket is not closed yet). */
    int openStreams() const { return m_streams.count() - int(m_origins.size()); }
    /** The server's address and port, the other end of the cluster's pseudo peers. */
    void setServerEndpoint(const QHostAddress &address, quint16 port);
    /**
     * A message of another server of the cluster, delivered here (@p bytes framed
     * as it went out): traffic from a pseudo peer per origin server, 0.0.0.0 with
     * a port of its own, commented "SpreadSite cluster server NAME", so that a
     * capture of one server shows the whole domain.
     */
    void remote(const QString &origin, QByteArrayView bytes);

    // TrafficTap, on the engine's thread.
    void opened(quint64 id, const Endpoints &endpoints) override;
    void received(quint64 id, QByteArrayView bytes) override;
    void sent(quint64 id, QByteArrayView bytes) override;
    void closing(quint64 id, const QString &reason, End end) override;
    void closed(quint64 id) override;

signals:
    /** The capture stopped by itself: the size limit, a write error; @p reason says which. */
    void stoppedWithError(const QString &reason);
    /** Frames were dropped because the disk did not keep up (said at most once a second). */
    void framesDropped(quint64 total);

private:
    // TcpStreams::Sink: the frame goes straight into the batch.
    char *reserve(qint64 timeUs, qsizetype frameBytes, QByteArrayView comment) override;
    void commit() override;

    void handOver();
    void writerLoop();
    /** From the writer after each batch: the file's size, and why it stopped if it did. */
    void onWriterReport(const QString &reason, qint64 written);

    TcpStreams m_streams { this };
    QHash<QString, quint64> m_origins;   // the cluster's pseudo peers, by origin server
    QHostAddress m_serverAddress { QHostAddress::AnyIPv4 };
    quint16 m_serverPort = 0;
    QString m_fileName;
    CaptureFile::Format m_format = CaptureFile::Format::Pcapng;
    QString m_error;
    bool m_running = false;
    qint64 m_written = 0;
    quint64 m_dropped = 0;
    quint64 m_droppedSaid = 0;
    QTimer m_flushTimer;

    /**
     * Records on their way to the file, laid out as the file holds them
     * (CaptureFile::putRecord), at [begin, begin + size) of a
     * BlockAlign-aligned buffer whose first bytes are left for the writer
     * (CaptureFile::writeRecords). Buffers are reused: a batch's pages are
     * touched once, not once per batch.
     */
    struct Batch {
        struct Free {
            void operator()(char *p) const;
        };
        std::unique_ptr<char, Free> data;
        qsizetype capacity = 0;
        qsizetype begin = 0;
        qsizetype size = 0;
    };
    /** A batch with room for a record of @p recordBytes, placed for the file offset its records will have. */
    Batch takeBatch(qsizetype recordBytes);
    /** Keeps @p batch's buffer for the next one. */
    void recycle(Batch &&batch);
    /** Frees the buffers kept but a few: after a second without traffic. */
    void trimSpares();

    // The batch being built on the engine's thread, and the file offset the next one starts at.
    Batch m_batch;
    qint64 m_nextOffset = 0;
    int m_idleTicks = 0;   // flush ticks in a row with nothing to hand over

    // Shared with the writer thread, under m_mutex.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Batch> m_queue;
    std::vector<Batch> m_spare;
    qint64 m_queuedBytes = 0;
    bool m_quit = false;
    std::thread m_writer;
    std::atomic<bool> m_direct { false };
    CaptureFile m_file;          // the writer's once started
    qint64 m_maxBytes = 0;
};

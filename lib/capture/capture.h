// SPDX-License-Identifier: MIT
#pragma once

#include "capture/capturefile.h"
#include "core/traffictap.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

class SpreadServer;

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
class Capture : public QObject, public TrafficTap
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
    /** Writes what is waiting and closes the file; a capture stopped is not restarted. */
    void stop();
    bool isRunning() const { return m_running; }
    QString fileName() const { return m_fileName; }
    CaptureFile::Format format() const { return m_format; }
    QString errorString() const { return m_error; }
    /** Bytes in the file so far (as the writer last said). */
    qint64 bytesWritten() const { return m_written; }
    /** Clients whose streams are open in the capture (their socket is not closed yet). */
    int openStreams() const { return int(m_streams.size()); }
    /** Frames not captured because the disk did not keep up. */
    quint64 droppedFrames() const { return m_dropped; }

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
    struct Stream {
        Endpoints ends;
        bool v6 = false;
        quint32 clientSeq = 0;   // next sequence number of each side
        quint32 serverSeq = 0;
        QString reason;
        End end = End::Closed;
        bool ending = false;
    };
    enum Flag : quint8 { Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10 };

    void frame(const Stream &s, bool fromClient, quint8 flags, QByteArrayView payload, const QByteArray &comment = {});
    void data(quint64 id, bool fromClient, QByteArrayView bytes);
    void handOver();
    void writerLoop();
    /** From the writer after each batch: the file's size, and why it stopped if it did. */
    void onWriterReport(const QString &reason, qint64 written);

    std::unordered_map<quint64, Stream> m_streams;
    QString m_fileName;
    CaptureFile::Format m_format = CaptureFile::Format::Pcapng;
    QString m_error;
    bool m_running = false;
    qint64 m_written = 0;
    quint64 m_dropped = 0;
    quint64 m_droppedSaid = 0;
    QTimer m_flushTimer;

    // The batch being built on the engine's thread: records of
    // [qint64 timeUs][quint32 frame bytes][quint32 comment bytes][frame][comment].
    QByteArray m_batch;

    // Shared with the writer thread, under m_mutex.
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<QByteArray> m_queue;
    qint64 m_queuedBytes = 0;
    bool m_quit = false;
    std::thread m_writer;
    CaptureFile m_file;          // the writer's once started
    qint64 m_maxBytes = 0;
};

// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

/*
 * A capture file of Ethernet frames, in one of two formats:
 *
 *   pcapng (.pcapng, and any other name): written here, only the three
 *   block types a capture needs (the pcapng specification,
 *   draft-ietf-opsawg-pcapng):
 *     Section Header Block      0x0A0D0D0A  byte-order magic, version 1.0, shb_userappl
 *     Interface Description     0x00000001  LINKTYPE_ETHERNET, no snap length, if_name, if_description
 *     Enhanced Packet Block     0x00000006  interface 0, microseconds, the frame, opt_comment
 *   each block padded to 32 bits and ending with its length again; host byte order.
 *
 *   classic pcap (.pcap): written by libpcap (pcap_open_dead + pcap_dump),
 *   the reference writer of that format. It has no comments.
 *
 * A frame's record (an EPB, or pcap's 16-byte record header and the frame)
 * is laid out by putRecord() only: Capture builds records straight into its
 * batches on the engine's thread, and writeRecords() writes them as they are.
 *
 * A pcapng file on a file system that can is written without the page cache
 * (O_DIRECT, whole BlockAlign blocks from the caller's buffer): a capture
 * writes every delivered byte once more, and the kernel's copy into the page
 * cache would cost as much as the relay itself (README, "Capture"); it also
 * keeps a long capture from pushing everything else out of the cache. The
 * last partial block goes through the page cache after each batch, so the
 * file always ends with a whole record.
 *
 * Used by Capture's writer thread only: every call may block on the disk.
 */
class CaptureFile
{
public:
    enum class Format { Pcapng, Pcap };

    /** The unit of a direct write, in memory and in the file: batches for writeRecords() leave this much room before them. */
    static constexpr qsizetype BlockAlign = 4096;

    /** The format a file name asks for: .pcap is classic pcap, anything else pcapng. */
    static Format formatFor(const QString &fileName);
    static QString formatName(Format format);

    /** Bytes of the record of a frame of @p frameBytes with a comment of @p commentBytes (pcap drops comments). */
    static qsizetype recordSize(Format format, qsizetype frameBytes, qsizetype commentBytes);
    /**
     * Lays out that record at @p at (recordSize() bytes), all but the frame's
     * bytes, which belong at the place returned.
     */
    static char *putRecord(char *at, Format format, qint64 timeUs, qsizetype frameBytes, QByteArrayView comment);
    /** The size of the record at @p at, as its header says. */
    static qsizetype recordSizeAt(Format format, const char *at);

    CaptureFile();
    ~CaptureFile();
    CaptureFile(const CaptureFile &) = delete;
    CaptureFile &operator=(const CaptureFile &) = delete;

    /** Creates (truncates) @p fileName and writes the file's header; false and errorString() if it cannot. */
    bool open(const QString &fileName, Format format, const QString &description);
    /** One frame captured at @p timeUs (µs since the epoch), with a comment (pcapng); false and errorString() on a write error. */
    bool write(qint64 timeUs, QByteArrayView frame, QByteArrayView comment = {});
    /**
     * Whole records laid out by putRecord(), @p size bytes at @p buffer + @p begin;
     * false and errorString() on a write error. A pcapng file is written
     * without the page cache when @p buffer is BlockAlign-aligned, @p begin is
     * at least BlockAlign and @p begin % BlockAlign == size() % BlockAlign:
     * the bytes before @p begin are then the writer's to use.
     */
    bool writeRecords(char *buffer, qsizetype begin, qsizetype size);
    /** Hands what is buffered to the system; false and errorString() on a write error. */
    bool flush();
    void close();
    bool isOpen() const;
    qint64 size() const { return m_size; }
    /** Whether records go to the file without the page cache (pcapng, on a file system that can). */
    bool isDirect() const { return m_directFd >= 0; }
    QString errorString() const { return m_error; }

private:
    bool put(const QByteArray &bytes);
    bool writeAt(int fd, const char *data, qsizetype size, qint64 offset);
    bool writeDirect(char *buffer, qsizetype begin, qsizetype size);
    void openDirect(const QByteArray &path);

    Format m_format = Format::Pcapng;
    int m_fd = -1;                 // pcapng
    int m_directFd = -1;           // the same file with O_DIRECT, where it can be
    struct Pcap;
    std::unique_ptr<Pcap> m_pcap;  // classic pcap
    QByteArray m_buffer;           // pcapng blocks of write() not yet written
    qint64 m_size = 0;             // the file's bytes, m_buffer's included
    // The file's last partial block (its bytes from size() rounded down to BlockAlign), kept
    // for the next direct write; -1 when it must be read back first.
    alignas(16) char m_tail[BlockAlign];
    qsizetype m_tailBytes = -1;
    QString m_error;
};

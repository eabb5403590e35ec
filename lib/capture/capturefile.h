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
 * Used by Capture's writer thread only: every call may block on the disk.
 */
class CaptureFile
{
public:
    enum class Format { Pcapng, Pcap };

    /** The format a file name asks for: .pcap is classic pcap, anything else pcapng. */
    static Format formatFor(const QString &fileName);
    static QString formatName(Format format);

    CaptureFile();
    ~CaptureFile();
    CaptureFile(const CaptureFile &) = delete;
    CaptureFile &operator=(const CaptureFile &) = delete;

    /** Creates (truncates) @p fileName and writes the file's header; false and errorString() if it cannot. */
    bool open(const QString &fileName, Format format, const QString &description);
    /** One frame captured at @p timeUs (µs since the epoch), with a comment (pcapng); false and errorString() on a write error. */
    bool write(qint64 timeUs, QByteArrayView frame, QByteArrayView comment = {});
    /** Bytes a write() of this frame adds to the file. */
    qint64 sizeOf(QByteArrayView frame, QByteArrayView comment = {}) const;
    /** Hands what is buffered to the system; false and errorString() on a write error. */
    bool flush();
    void close();
    bool isOpen() const;
    qint64 size() const { return m_size; }
    QString errorString() const { return m_error; }

private:
    bool put(const QByteArray &bytes);

    Format m_format = Format::Pcapng;
    int m_fd = -1;                 // pcapng
    struct Pcap;
    std::unique_ptr<Pcap> m_pcap;  // classic pcap
    QByteArray m_buffer;           // pcapng blocks not yet written
    qint64 m_size = 0;
    QString m_error;
};

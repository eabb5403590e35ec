// SPDX-License-Identifier: MIT
#include "capture/capturefile.h"

#include "capture/pcapng.h"

#include <pcap/pcap.h>

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace {

using namespace Pcapng;
constexpr qsizetype BufferBytes = 256 * 1024;   // pcapng blocks gathered per write()

qsizetype padded(qsizetype n)
{
    return (n + 3) & ~qsizetype(3);
}

template<typename T>
void putValue(QByteArray &out, T value)
{
    out.append(reinterpret_cast<const char *>(&value), sizeof value);   // host order, as the magic says
}

void putOption(QByteArray &out, quint16 code, QByteArrayView value)
{
    putValue<quint16>(out, code);
    putValue<quint16>(out, quint16(value.size()));
    out.append(value.data(), value.size());
    out.append(padded(value.size()) - value.size(), '\0');
}

/** A block of @p type around @p body (whose size is a multiple of 4). */
QByteArray block(quint32 type, const QByteArray &body)
{
    QByteArray out;
    const quint32 total = quint32(12 + body.size());
    out.reserve(total);
    putValue(out, type);
    putValue(out, total);
    out.append(body);
    putValue(out, total);
    return out;
}

void put32(char *at, quint32 value)
{
    std::memcpy(at, &value, 4);   // host order, as the magic says
}

quint32 get32(const char *at)
{
    quint32 value;
    std::memcpy(&value, at, 4);
    return value;
}

QString errnoString()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

} // namespace

struct CaptureFile::Pcap {
    pcap_t *dead = nullptr;
    pcap_dumper_t *dumper = nullptr;

    ~Pcap()
    {
        if (dumper)
            pcap_dump_close(dumper);
        if (dead)
            pcap_close(dead);
    }
};

CaptureFile::Format CaptureFile::formatFor(const QString &fileName)
{
    return fileName.endsWith(u".pcap"_s, Qt::CaseInsensitive) ? Format::Pcap : Format::Pcapng;
}

QString CaptureFile::formatName(Format format)
{
    return format == Format::Pcap ? u"pcap"_s : u"pcapng"_s;
}

CaptureFile::CaptureFile() = default;

CaptureFile::~CaptureFile()
{
    close();
}

bool CaptureFile::isOpen() const
{
    return m_fd >= 0 || m_pcap;
}

bool CaptureFile::open(const QString &fileName, Format format, const QString &description)
{
    close();
    m_format = format;
    m_size = 0;
    m_tailBytes = -1;
    m_error.clear();
    const QByteArray path = QFile::encodeName(fileName);
    if (format == Format::Pcap) {
        auto pcap = std::make_unique<Pcap>();
        pcap->dead = pcap_open_dead(DLT_EN10MB, 262144);
        pcap->dumper = pcap->dead ? pcap_dump_open(pcap->dead, path.constData()) : nullptr;
        if (!pcap->dumper) {
            m_error = pcap->dead ? QString::fromLocal8Bit(pcap_geterr(pcap->dead)) : u"libpcap: cannot start"_s;
            return false;
        }
        m_pcap = std::move(pcap);
        m_size = 24;   // the file header pcap_dump_open() wrote
        return flush();
    }
    m_fd = ::open(path.constData(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);   // read: a direct write starts with the block it ends in
    if (m_fd < 0) {
        m_error = errnoString();
        return false;
    }
    QByteArray shb;
    putValue<quint32>(shb, ByteOrderMagic);
    putValue<quint16>(shb, 1);
    putValue<quint16>(shb, 0);
    putValue<qint64>(shb, -1);   // section length: not said
    putOption(shb, ShbUserAppl, "SpreadSite " SPREAD_VERSION);
    putOption(shb, OptEnd, {});
    QByteArray idb;
    putValue<quint16>(idb, LinkTypeEthernet);
    putValue<quint16>(idb, 0);
    putValue<quint32>(idb, 0);   // no snap length
    putOption(idb, IfName, "spreadsite");
    putOption(idb, IfDescription, description.toUtf8());
    putOption(idb, OptEnd, {});   // if_tsresol left out: microseconds
    if (!put(block(SectionHeader, shb) + block(InterfaceDescription, idb)) || !flush())
        return false;
    openDirect(path);
    return true;
}

void CaptureFile::openDirect(const QByteArray &path)
{
#ifdef STATX_DIOALIGN
    // Only where the file system says it takes direct writes in our block size (not tmpfs,
    // not a device such as /dev/full): elsewhere everything goes through the page cache.
    struct statx sx {};
    if (::statx(m_fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) != 0 || !(sx.stx_mask & STATX_DIOALIGN)
        || sx.stx_dio_offset_align == 0 || sx.stx_dio_mem_align == 0 || BlockAlign % sx.stx_dio_offset_align != 0
        || BlockAlign % sx.stx_dio_mem_align != 0)
        return;
    m_directFd = ::open(path.constData(), O_WRONLY | O_DIRECT | O_CLOEXEC);
#else
    Q_UNUSED(path);
#endif
}

qsizetype CaptureFile::recordSize(Format format, qsizetype frameBytes, qsizetype commentBytes)
{
    if (format == Format::Pcap)
        return 16 + frameBytes;
    const qsizetype options = commentBytes == 0 ? 0 : 4 + padded(commentBytes) + 4;
    return 12 + 20 + padded(frameBytes) + options;
}

char *CaptureFile::putRecord(char *at, Format format, qint64 timeUs, qsizetype frameBytes, QByteArrayView comment)
{
    if (format == Format::Pcap) {
        put32(at, quint32(timeUs / 1000000));
        put32(at + 4, quint32(timeUs % 1000000));
        put32(at + 8, quint32(frameBytes));    // captured
        put32(at + 12, quint32(frameBytes));   // on the wire
        return at + 16;
    }
    const quint32 total = quint32(recordSize(format, frameBytes, comment.size()));
    put32(at, EnhancedPacket);
    put32(at + 4, total);
    put32(at + 8, 0);   // interface 0
    put32(at + 12, quint32(quint64(timeUs) >> 32));
    put32(at + 16, quint32(quint64(timeUs) & 0xffffffffu));
    put32(at + 20, quint32(frameBytes));
    put32(at + 24, quint32(frameBytes));
    char *frame = at + 28;
    char *p = frame + frameBytes;
    const qsizetype pad = padded(frameBytes) - frameBytes;
    std::memset(p, 0, size_t(pad));
    p += pad;
    if (!comment.isEmpty()) {
        std::memcpy(p, &OptComment, 2);
        const quint16 length = quint16(comment.size());
        std::memcpy(p + 2, &length, 2);
        std::memcpy(p + 4, comment.data(), size_t(comment.size()));
        std::memset(p + 4 + comment.size(), 0, size_t(padded(comment.size()) - comment.size()));
        p += 4 + padded(comment.size());
        std::memset(p, 0, 4);   // opt_endofopt
        p += 4;
    }
    put32(p, total);
    return frame;
}

qsizetype CaptureFile::recordSizeAt(Format format, const char *at)
{
    return format == Format::Pcap ? 16 + qsizetype(get32(at + 8)) : qsizetype(get32(at + 4));
}

bool CaptureFile::write(qint64 timeUs, QByteArrayView frame, QByteArrayView comment)
{
    if (!isOpen())
        return false;
    if (m_pcap) {
        pcap_pkthdr header {};
        header.ts.tv_sec = timeUs / 1000000;
        header.ts.tv_usec = timeUs % 1000000;
        header.caplen = header.len = bpf_u_int32(frame.size());
        pcap_dump(reinterpret_cast<u_char *>(m_pcap->dumper), &header, reinterpret_cast<const u_char *>(frame.data()));
        m_size += 16 + frame.size();
        return true;
    }
    // Laid out in place at the end of the buffer: the frame is copied once, as it is written.
    const qsizetype total = recordSize(m_format, frame.size(), comment.size());
    const qsizetype at = m_buffer.size();
    m_buffer.resize(at + total);
    char *place = putRecord(m_buffer.data() + at, m_format, timeUs, frame.size(), comment);
    std::memcpy(place, frame.data(), size_t(frame.size()));
    m_size += total;
    return m_buffer.size() < BufferBytes || flush();
}

bool CaptureFile::writeRecords(char *buffer, qsizetype begin, qsizetype size)
{
    if (!isOpen())
        return false;
    if (m_pcap) {
        for (qsizetype at = begin; at < begin + size;) {
            const char *record = buffer + at;
            pcap_pkthdr header {};
            header.ts.tv_sec = get32(record);
            header.ts.tv_usec = get32(record + 4);
            header.caplen = header.len = get32(record + 8);
            pcap_dump(reinterpret_cast<u_char *>(m_pcap->dumper), &header, reinterpret_cast<const u_char *>(record + 16));
            at += recordSizeAt(m_format, record);
        }
        m_size += size;
        return true;   // libpcap's stdio says a write error at flush()
    }
    if (!flush())
        return false;
    if (m_directFd >= 0 && quintptr(buffer) % BlockAlign == 0 && begin >= BlockAlign
        && begin % BlockAlign == m_size % BlockAlign) {
        if (writeDirect(buffer, begin, size)) {
            m_size += size;
            return true;
        }
        if (m_directFd >= 0)
            return false;   // a write error; else the file system refused the direct write, and the page cache takes it
    }
    if (!writeAt(m_fd, buffer + begin, size, m_size))
        return false;
    m_size += size;
    m_tailBytes = -1;
    return true;
}

// The file's partial last block, then the records, as whole blocks straight from @p buffer; what
// is left of a block is kept, and written through the page cache so that the file is whole.
bool CaptureFile::writeDirect(char *buffer, qsizetype begin, qsizetype size)
{
    const qsizetype carried = qsizetype(m_size % BlockAlign);
    const qint64 blockStart = m_size - carried;
    if (m_tailBytes != carried) {
        if (carried > 0 && ::pread(m_fd, m_tail, size_t(carried), blockStart) != carried) {
            ::close(std::exchange(m_directFd, -1));   // cannot tell the block's start: the page cache from here on
            return false;
        }
        m_tailBytes = carried;
    }
    char *from = buffer + begin - carried;
    std::memcpy(from, m_tail, size_t(carried));
    const qsizetype all = carried + size;
    const qsizetype whole = all / BlockAlign * BlockAlign;
    for (qsizetype done = 0; done < whole;) {
        const ssize_t w = ::pwrite(m_directFd, from + done, size_t(whole - done), blockStart + done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EINVAL && done == 0) {
            // Refused after all (a limit that cuts the block, an unusual file system): through the page cache, which says why if it fails too.
            ::close(std::exchange(m_directFd, -1));
            m_tailBytes = -1;
            return false;
        }
        if (w <= 0) {
            m_error = errnoString();
            return false;
        }
        done += w;
    }
    m_tailBytes = all - whole;
    std::memcpy(m_tail, from + whole, size_t(m_tailBytes));
    return m_tailBytes == 0 || writeAt(m_fd, m_tail, m_tailBytes, blockStart + whole);
}

bool CaptureFile::writeAt(int fd, const char *data, qsizetype size, qint64 offset)
{
    for (qsizetype done = 0; done < size;) {
        const ssize_t w = ::pwrite(fd, data + done, size_t(size - done), offset + done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            m_error = w < 0 ? errnoString() : u"write error"_s;
            return false;
        }
        done += w;
    }
    return true;
}

bool CaptureFile::put(const QByteArray &bytes)
{
    m_buffer.append(bytes);
    m_size += bytes.size();
    return m_buffer.size() < BufferBytes || flush();
}

bool CaptureFile::flush()
{
    if (m_pcap) {
        // libpcap writes through stdio: a full disk shows at the flush.
        if (pcap_dump_flush(m_pcap->dumper) != 0 || ferror(pcap_dump_file(m_pcap->dumper))) {
            m_error = errno ? errnoString() : u"write error"_s;
            return false;
        }
        return true;
    }
    if (m_buffer.isEmpty())
        return true;
    const bool ok = writeAt(m_fd, m_buffer.constData(), m_buffer.size(), m_size - m_buffer.size());
    m_buffer.resize(0);
    m_tailBytes = -1;
    return ok;
}

void CaptureFile::close()
{
    if (m_fd >= 0) {
        flush();
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_directFd >= 0)
        ::close(std::exchange(m_directFd, -1));
    m_pcap.reset();
}

// SPDX-License-Identifier: MIT
#include "capture/capturefile.h"

#include "capture/pcapng.h"

#include <pcap/pcap.h>

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
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
    m_fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
    return put(block(SectionHeader, shb) + block(InterfaceDescription, idb)) && flush();
}

qint64 CaptureFile::sizeOf(QByteArrayView frame, QByteArrayView comment) const
{
    if (m_format == Format::Pcap)
        return 16 + frame.size();
    const qsizetype options = comment.isEmpty() ? 0 : 4 + padded(comment.size()) + 4;
    return 12 + 20 + padded(frame.size()) + options;
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
    // Built in place at the end of the buffer: the frame is copied once, as it is written.
    const quint32 total = quint32(sizeOf(frame, comment));
    QByteArray &out = m_buffer;
    out.reserve(out.size() + total);
    putValue(out, EnhancedPacket);
    putValue(out, total);
    putValue<quint32>(out, 0);   // interface 0
    putValue<quint32>(out, quint32(quint64(timeUs) >> 32));
    putValue<quint32>(out, quint32(quint64(timeUs) & 0xffffffffu));
    putValue<quint32>(out, quint32(frame.size()));
    putValue<quint32>(out, quint32(frame.size()));
    out.append(frame.data(), frame.size());
    out.append(padded(frame.size()) - frame.size(), '\0');
    if (!comment.isEmpty()) {
        putOption(out, OptComment, comment);
        putOption(out, OptEnd, {});
    }
    putValue(out, total);
    m_size += total;
    return m_buffer.size() < BufferBytes || flush();
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
    qsizetype done = 0;
    while (done < m_buffer.size()) {
        const ssize_t w = ::write(m_fd, m_buffer.constData() + done, size_t(m_buffer.size() - done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            m_error = errnoString();
            m_buffer.clear();
            return false;
        }
        done += w;
    }
    m_buffer.resize(0);
    return true;
}

void CaptureFile::close()
{
    if (m_fd >= 0) {
        flush();
        ::close(m_fd);
        m_fd = -1;
    }
    m_pcap.reset();
}

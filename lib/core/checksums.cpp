// SPDX-License-Identifier: MIT
#include "core/checksums.h"

#include <array>

namespace {

// Reflected CRCs a byte at a time from a table; the tables are built at compile time.
template<typename Word, Word Polynomial>
constexpr std::array<Word, 256> reflectedTable()
{
    std::array<Word, 256> table {};
    for (unsigned n = 0; n < 256; ++n) {
        Word c = Word(n);
        for (int bit = 0; bit < 8; ++bit)
            c = (c & 1) ? Word((c >> 1) ^ Polynomial) : Word(c >> 1);
        table[n] = c;
    }
    return table;
}

constexpr auto Modbus = reflectedTable<quint16, 0xA001>();       // 0x8005 reflected
constexpr auto Crc32 = reflectedTable<quint32, 0xEDB88320u>();   // 0x04C11DB7 reflected

constexpr std::array<quint16, 256> ccittTable()
{
    std::array<quint16, 256> table {};
    for (unsigned n = 0; n < 256; ++n) {
        quint16 c = quint16(n << 8);
        for (int bit = 0; bit < 8; ++bit)
            c = (c & 0x8000) ? quint16((c << 1) ^ 0x1021) : quint16(c << 1);
        table[n] = c;
    }
    return table;
}
constexpr auto Ccitt = ccittTable();

} // namespace

namespace Checksums {

quint16 crc16Modbus(QByteArrayView bytes)
{
    quint16 crc = 0xFFFF;
    for (char c : bytes)
        crc = quint16((crc >> 8) ^ Modbus[(crc ^ quint8(c)) & 0xff]);
    return crc;
}

quint16 crc16Ccitt(QByteArrayView bytes)
{
    quint16 crc = 0xFFFF;
    for (char c : bytes)
        crc = quint16((crc << 8) ^ Ccitt[((crc >> 8) ^ quint8(c)) & 0xff]);
    return crc;
}

quint32 crc32(QByteArrayView bytes)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char c : bytes)
        crc = (crc >> 8) ^ Crc32[(crc ^ quint8(c)) & 0xff];
    return ~crc;
}

quint8 sum8(QByteArrayView bytes)
{
    quint8 sum = 0;
    for (char c : bytes)
        sum = quint8(sum + quint8(c));
    return sum;
}

quint8 xor8(QByteArrayView bytes)
{
    quint8 x = 0;
    for (char c : bytes)
        x ^= quint8(c);
    return x;
}

QByteArray wireBytes(Kind kind, QByteArrayView bytes)
{
    // Big-endian unless the kind says otherwise (Modbus RTU sends its CRC low byte first).
    const auto bigEndian = [](quint32 value, int size) {
        QByteArray out(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            out[i] = char((value >> (8 * (size - 1 - i))) & 0xff);
        return out;
    };
    switch (kind) {
    case Kind::Crc16Modbus: {
        const quint16 crc = crc16Modbus(bytes);
        return bigEndian(quint32(quint16((crc << 8) | (crc >> 8))), 2);
    }
    case Kind::Crc16Ccitt:
        return bigEndian(crc16Ccitt(bytes), 2);
    case Kind::Crc32:
        return bigEndian(crc32(bytes), 4);
    case Kind::Sum8:
        return QByteArray(1, char(sum8(bytes)));
    case Kind::Xor8:
        return QByteArray(1, char(xor8(bytes)));
    }
    return {};
}

} // namespace Checksums

// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

/**
 * The checksums devices put at the end of a frame, as the {crc16-modbus}
 * ... {xor8} tokens of a MessageTemplate append them. Each names its
 * parameters as the CRC catalogue does (reveng.sourceforge.io):
 *
 *     CRC-16/MODBUS       poly 0x8005 reflected, init 0xFFFF; sent low byte first (Modbus RTU)
 *     CRC-16/CCITT-FALSE  poly 0x1021, init 0xFFFF, not reflected; sent high byte first
 *     CRC-32 (ISO-HDLC)   poly 0x04C11DB7 reflected, init and xorout 0xFFFFFFFF; sent high byte first
 *     SUM8                the bytes added, modulo 256
 *     XOR8                the bytes xored
 *
 * Check values over "123456789": 0x4B37, 0x29B1, 0xCBF43926, 0xDD, 0x31.
 */
namespace Checksums {

enum class Kind { Crc16Modbus, Crc16Ccitt, Crc32, Sum8, Xor8 };

quint16 crc16Modbus(QByteArrayView bytes);
quint16 crc16Ccitt(QByteArrayView bytes);
quint32 crc32(QByteArrayView bytes);
quint8 sum8(QByteArrayView bytes);
quint8 xor8(QByteArrayView bytes);

/** The checksum of @p bytes as it goes on the wire, in the byte order above. */
QByteArray wireBytes(Kind kind, QByteArrayView bytes);

} // namespace Checksums

// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

/**
 * The numbers of the pcapng format (draft-ietf-opsawg-pcapng) that
 * CaptureFile writes and CaptureReader reads: the block types, the
 * byte-order magic, the option codes, and classic pcap's magic numbers.
 */
namespace Pcapng {

inline constexpr quint32 SectionHeader = 0x0A0D0D0A;
inline constexpr quint32 InterfaceDescription = 0x00000001;
inline constexpr quint32 EnhancedPacket = 0x00000006;
inline constexpr quint32 ByteOrderMagic = 0x1A2B3C4D;
inline constexpr quint16 LinkTypeEthernet = 1;

inline constexpr quint16 OptEnd = 0;
inline constexpr quint16 OptComment = 1;
inline constexpr quint16 IfName = 2;
inline constexpr quint16 IfDescription = 3;
inline constexpr quint16 ShbUserAppl = 4;
inline constexpr quint16 IfTsresol = 9;

/** Classic pcap's file magic, microsecond and nanosecond times. */
inline constexpr quint32 PcapMagicUs = 0xA1B2C3D4;
inline constexpr quint32 PcapMagicNs = 0xA1B23C4D;

} // namespace Pcapng

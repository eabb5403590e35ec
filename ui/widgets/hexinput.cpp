// SPDX-License-Identifier: MIT
#include "widgets/hexinput.h"

#include "core/displaytext.h"

namespace HexInput {

std::optional<QByteArray> parse(const QString &text)
{
    return DisplayText::parseHex(text);
}

std::optional<QByteArray> composed(const QString &text, bool hex)
{
    if (hex)
        return parse(text);
    return text.toUtf8();
}

} // namespace HexInput

// SPDX-License-Identifier: MIT
#include "rules/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

using namespace Qt::Literals::StringLiterals;

struct Regex::Compiled {
    pcre2_code *code = nullptr;
    pcre2_match_data *data = nullptr;
    int captures = 0;

    ~Compiled()
    {
        pcre2_match_data_free(data);
        pcre2_code_free(code);
    }
};

std::optional<Regex> Regex::compile(const QString &pattern, QString *error)
{
    const QByteArray utf8 = pattern.toUtf8();
    int code = 0;
    PCRE2_SIZE offset = 0;
    // PCRE2_UTF as QRegularExpression compiles; PCRE2_MATCH_INVALID_UTF so bytes that are no UTF-8 are matched too.
    pcre2_code *compiled = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(utf8.constData()), PCRE2_SIZE(utf8.size()),
                                         PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &offset, nullptr);
    if (!compiled) {
        if (error) {
            PCRE2_UCHAR text[256];
            pcre2_get_error_message(code, text, sizeof text);
            // The offset is in bytes of UTF-8; say it in characters, as the user typed them.
            const qsizetype at = QString::fromUtf8(utf8.left(qsizetype(offset))).size();
            *error = tr("%1 (at character %2)").arg(QString::fromUtf8(reinterpret_cast<const char *>(text))).arg(at);
        }
        return std::nullopt;
    }
    pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);   // without JIT (an odd CPU) it still matches, slower
    Regex regex;
    regex.m_compiled = std::make_shared<Compiled>();
    regex.m_compiled->code = compiled;
    regex.m_compiled->data = pcre2_match_data_create_from_pattern(compiled, nullptr);
    uint32_t count = 0;
    pcre2_pattern_info(compiled, PCRE2_INFO_CAPTURECOUNT, &count);
    regex.m_compiled->captures = int(count);
    return regex;
}

int Regex::captureCount() const
{
    return m_compiled ? m_compiled->captures : 0;
}

bool Regex::match(QByteArrayView subject, QList<QByteArray> *captures) const
{
    if (!m_compiled)
        return false;
    const int found = pcre2_match(m_compiled->code, reinterpret_cast<PCRE2_SPTR>(subject.data()),
                                  PCRE2_SIZE(subject.size()), 0, 0, m_compiled->data, nullptr);
    if (found < 0)
        return false;   // no match, or a limit of PCRE2's was hit: either way the rule does not apply
    if (captures) {
        captures->clear();
        const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(m_compiled->data);
        for (int g = 0; g <= m_compiled->captures; ++g) {
            const PCRE2_SIZE start = ovector[2 * g];
            const PCRE2_SIZE end = ovector[2 * g + 1];
            // A group that took no part in the match is empty, as QRegularExpression::captured() gives it.
            captures->append(start == PCRE2_UNSET || g >= found ? QByteArray()
                                                               : subject.sliced(qsizetype(start), qsizetype(end - start)).toByteArray());
        }
    }
    return true;
}

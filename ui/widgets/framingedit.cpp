// SPDX-License-Identifier: MIT
#include "widgets/framingedit.h"

#include <limits>

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

#include "widgets/hexinput.h"
#include "widgets/limitfield.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
// What the fields of a kind not chosen yet show: the examples of --help.
constexpr int DEFAULT_FIXED_SIZE = 8;
constexpr int DEFAULT_IDLE_MS = 50;
constexpr int MAX_ADJUST = std::numeric_limits<int>::max();   // a spin box holds an int; Framing takes up to 2^32

/** A row of fields that is shown or hidden as one. */
QWidget *fieldBox(QWidget *parent, const QString &name)
{
    auto *box = new QWidget(parent);
    box->setObjectName(name);
    return box;
}

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}
} // namespace

FramingEdit::FramingEdit(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"framingEdit"_s);
    buildControls();
    layOut();
    connectControls();
    setFocusProxy(m_kindCombo);   // a form label's buddy is the whole widget
    setFraming(Framing());
}

void FramingEdit::buildControls()
{
    m_kindCombo = new QComboBox(this);
    m_kindCombo->setObjectName(u"framingKindCombo"_s);
    m_kindCombo->addItem(tr("Line"), int(Framing::Kind::Line));
    m_kindCombo->addItem(tr("Delimiter"), int(Framing::Kind::Delimiter));
    m_kindCombo->addItem(tr("Fixed size"), int(Framing::Kind::Fixed));
    m_kindCombo->addItem(tr("Length field"), int(Framing::Kind::Length));
    m_kindCombo->addItem(tr("Idle gap"), int(Framing::Kind::Idle));
    m_kindCombo->setToolTip(tr("How the byte stream is cut into messages: by line, by a delimiter, in frames of a fixed size, "
                               "by a length field in each frame's header, or by a pause of the sender"));

    m_delimiterFields = fieldBox(this, u"delimiterFields"_s);
    m_delimiterEdit = new QLineEdit(m_delimiterFields);
    m_delimiterEdit->setObjectName(u"framingDelimiterEdit"_s);
    m_delimiterEdit->setPlaceholderText(tr("e.g. 7e or 0d 0a"));
    m_delimiterEdit->setToolTip(tr("The bytes that end a frame, in hexadecimal (1 to %1 bytes). Enter applies.")
                                        .arg(Framing::MaxDelimiterBytes));

    m_fixedFields = fieldBox(this, u"fixedFields"_s);
    m_fixedSpin = new QSpinBox(m_fixedFields);
    m_fixedSpin->setObjectName(u"framingFixedSpin"_s);
    m_fixedSpin->setRange(1, std::numeric_limits<int>::max());
    m_fixedSpin->setSuffix(LimitField::suffix(Limits::Unit::Bytes));
    m_fixedSpin->setValue(DEFAULT_FIXED_SIZE);
    m_fixedSpin->setToolTip(tr("Every this many bytes are one frame"));

    m_lengthFields = fieldBox(this, u"lengthFields"_s);
    m_lengthSizeCombo = new QComboBox(m_lengthFields);
    m_lengthSizeCombo->setObjectName(u"framingLengthSizeCombo"_s);
    m_lengthSizeCombo->addItem(tr("1 byte"), 1);
    m_lengthSizeCombo->addItem(tr("2 bytes"), 2);
    m_lengthSizeCombo->addItem(tr("4 bytes"), 4);
    m_lengthSizeCombo->setToolTip(tr("How many bytes the length field has"));
    m_lengthSizeCombo->setCurrentIndex(m_lengthSizeCombo->findData(Framing().lengthSize));   // as length: without a size
    m_byteOrderCombo = new QComboBox(m_lengthFields);
    m_byteOrderCombo->setObjectName(u"framingByteOrderCombo"_s);
    m_byteOrderCombo->addItem(tr("Big-endian"), false);
    m_byteOrderCombo->addItem(tr("Little-endian"), true);
    m_byteOrderCombo->setToolTip(tr("Big-endian: the most significant byte first, as in network protocols and Modbus TCP"));
    m_offsetSpin = new QSpinBox(m_lengthFields);
    m_offsetSpin->setObjectName(u"framingOffsetSpin"_s);
    m_offsetSpin->setRange(0, Framing::MaxLengthOffset);
    m_offsetSpin->setSuffix(LimitField::suffix(Limits::Unit::Bytes));
    m_offsetSpin->setToolTip(tr("Bytes of the frame before the length field (Modbus TCP: 4)"));
    m_adjustSpin = new QSpinBox(m_lengthFields);
    m_adjustSpin->setObjectName(u"framingAdjustSpin"_s);
    m_adjustSpin->setRange(-MAX_ADJUST, MAX_ADJUST);
    m_adjustSpin->setSuffix(LimitField::suffix(Limits::Unit::Bytes));
    m_adjustSpin->setToolTip(tr("Added to the field's value to get the bytes after the field; negative when the length "
                                "counts the field or the header too"));

    m_idleFields = fieldBox(this, u"idleFields"_s);
    m_idleSpin = new QSpinBox(m_idleFields);
    m_idleSpin->setObjectName(u"framingIdleSpin"_s);
    m_idleSpin->setRange(0, Framing::MaxIdleMs);
    m_idleSpin->setSuffix(LimitField::suffix(Limits::Unit::Milliseconds));
    m_idleSpin->setSpecialValueText(tr("every read"));
    m_idleSpin->setValue(DEFAULT_IDLE_MS);
    m_idleSpin->setToolTip(tr("A frame is what arrived before the sender was quiet this long; 0: every read is one frame"));

    // A typed number applies when it is finished (Enter, focus out), not at every digit.
    for (QSpinBox *spin : { m_fixedSpin, m_offsetSpin, m_adjustSpin, m_idleSpin })
        spin->setKeyboardTracking(false);

    m_exampleLabel = new QLabel(this);
    m_exampleLabel->setObjectName(u"framingExampleLabel"_s);
    m_exampleLabel->setTextFormat(Qt::PlainText);
    m_exampleLabel->setWordWrap(true);
    m_exampleLabel->setToolTip(tr("What a frame is in this framing, with an example"));
    // A tab page does not pass on a wrapped label's height for its width: the label
    // asks for it itself whenever its width or text changes (see eventFilter()).
    m_exampleLabel->installEventFilter(this);
}

void FramingEdit::layOut()
{
    auto *delimiter = new QHBoxLayout(m_delimiterFields);
    delimiter->setContentsMargins(0, 0, 0, 0);
    delimiter->addWidget(buddyLabel(tr("&Delimiter (hex):"), m_delimiterEdit, m_delimiterFields));
    delimiter->addWidget(m_delimiterEdit, 1);

    auto *fixed = new QHBoxLayout(m_fixedFields);
    fixed->setContentsMargins(0, 0, 0, 0);
    fixed->addWidget(buddyLabel(tr("Frame si&ze:"), m_fixedSpin, m_fixedFields));
    fixed->addWidget(m_fixedSpin, 1);

    // Two rows: the field (size, order), then where it is and what it counts.
    auto *length = new QGridLayout(m_lengthFields);
    length->setContentsMargins(0, 0, 0, 0);
    length->addWidget(buddyLabel(tr("Field si&ze:"), m_lengthSizeCombo, m_lengthFields), 0, 0);
    length->addWidget(m_lengthSizeCombo, 0, 1);
    length->addWidget(buddyLabel(tr("B&yte order:"), m_byteOrderCombo, m_lengthFields), 0, 2);
    length->addWidget(m_byteOrderCombo, 0, 3);
    length->addWidget(buddyLabel(tr("Offse&t:"), m_offsetSpin, m_lengthFields), 1, 0);
    length->addWidget(m_offsetSpin, 1, 1);
    length->addWidget(buddyLabel(tr("Ad&just:"), m_adjustSpin, m_lengthFields), 1, 2);
    length->addWidget(m_adjustSpin, 1, 3);
    length->setColumnStretch(1, 1);
    length->setColumnStretch(3, 1);

    auto *idle = new QHBoxLayout(m_idleFields);
    idle->setContentsMargins(0, 0, 0, 0);
    idle->addWidget(buddyLabel(tr("Quie&t for:"), m_idleSpin, m_idleFields));
    idle->addWidget(m_idleSpin, 1);

    auto *top = new QHBoxLayout;
    top->addWidget(m_kindCombo);
    for (QWidget *fields : { m_delimiterFields, m_fixedFields, m_idleFields })
        top->addWidget(fields, 1);
    top->addStretch(0);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_lengthFields);
    layout->addWidget(m_exampleLabel);
}

void FramingEdit::connectControls()
{
    connect(m_kindCombo, &QComboBox::currentIndexChanged, this, [this] {
        showKindFields();
        commit();
    });
    connect(m_delimiterEdit, &QLineEdit::textChanged, this, &FramingEdit::check);
    connect(m_delimiterEdit, &QLineEdit::editingFinished, this, &FramingEdit::commit);
    connect(m_lengthSizeCombo, &QComboBox::currentIndexChanged, this, &FramingEdit::commit);
    connect(m_byteOrderCombo, &QComboBox::currentIndexChanged, this, &FramingEdit::commit);
    for (QSpinBox *spin : { m_fixedSpin, m_offsetSpin, m_adjustSpin, m_idleSpin })
        connect(spin, &QSpinBox::valueChanged, this, &FramingEdit::commit);
}

QList<QWidget *> FramingEdit::focusChain() const
{
    return { m_kindCombo, m_delimiterEdit, m_fixedSpin, m_lengthSizeCombo, m_byteOrderCombo,
             m_offsetSpin, m_adjustSpin, m_idleSpin };
}

Framing::Kind FramingEdit::currentKind() const
{
    return Framing::Kind(m_kindCombo->currentData().toInt());
}

void FramingEdit::showKindFields()
{
    const Framing::Kind kind = currentKind();
    m_delimiterFields->setVisible(kind == Framing::Kind::Delimiter);
    m_fixedFields->setVisible(kind == Framing::Kind::Fixed);
    m_lengthFields->setVisible(kind == Framing::Kind::Length);
    m_idleFields->setVisible(kind == Framing::Kind::Idle);
}

void FramingEdit::setFraming(const Framing &framing)
{
    {
        const QSignalBlocker b1(m_kindCombo), b2(m_delimiterEdit), b3(m_fixedSpin), b4(m_lengthSizeCombo),
                b5(m_byteOrderCombo), b6(m_offsetSpin), b7(m_adjustSpin), b8(m_idleSpin);
        m_kindCombo->setCurrentIndex(qMax(0, m_kindCombo->findData(int(framing.kind))));
        // Fields of the other kinds keep what they showed.
        switch (framing.kind) {
        case Framing::Kind::Line:
            break;
        case Framing::Kind::Delimiter:
            m_delimiterEdit->setText(QString::fromLatin1(framing.delimiter.toHex(' ')));
            break;
        case Framing::Kind::Fixed:
            m_fixedSpin->setValue(int(qMin<qsizetype>(framing.fixedSize, std::numeric_limits<int>::max())));
            break;
        case Framing::Kind::Length:
            m_lengthSizeCombo->setCurrentIndex(qMax(0, m_lengthSizeCombo->findData(framing.lengthSize)));
            m_byteOrderCombo->setCurrentIndex(framing.littleEndian ? 1 : 0);
            m_offsetSpin->setValue(framing.lengthOffset);
            m_adjustSpin->setValue(int(qBound(qint64(-MAX_ADJUST), framing.lengthAdjust, qint64(MAX_ADJUST))));
            break;
        case Framing::Kind::Idle:
            m_idleSpin->setValue(framing.idleMs);
            break;
        }
    }
    showKindFields();
    check();
    m_told = m_framing;
}

void FramingEdit::setMaxMessageBytes(qsizetype bytes)
{
    m_maxMessageBytes = bytes;
    check();
}

void FramingEdit::check()
{
    Framing f;
    f.kind = currentKind();
    QString problem;
    switch (f.kind) {
    case Framing::Kind::Line:
        break;
    case Framing::Kind::Delimiter: {
        const QString text = m_delimiterEdit->text().trimmed();
        const auto bytes = HexInput::parse(text);
        if (text.isEmpty())
            problem = tr("Type the delimiter's bytes in hexadecimal, such as 7e or 0d 0a");
        else if (!bytes || bytes->isEmpty())
            problem = tr("Not hexadecimal bytes: %1. Use pairs of hex digits, such as 7e or 0d 0a.").arg(text);
        else if (bytes->size() > Framing::MaxDelimiterBytes)
            problem = tr("A delimiter has at most %1 bytes; this one has %2").arg(Framing::MaxDelimiterBytes).arg(bytes->size());
        else
            f.delimiter = *bytes;
        break;
    }
    case Framing::Kind::Fixed:
        f.fixedSize = m_fixedSpin->value();
        break;
    case Framing::Kind::Length:
        f.lengthSize = m_lengthSizeCombo->currentData().toInt();
        f.littleEndian = m_byteOrderCombo->currentData().toBool();
        f.lengthOffset = m_offsetSpin->value();
        f.lengthAdjust = m_adjustSpin->value();
        break;
    case Framing::Kind::Idle:
        f.idleMs = m_idleSpin->value();
        break;
    }
    // The limit's test is lib's (the one the command line makes); its words are said here, translated.
    if (problem.isEmpty() && m_maxMessageBytes >= 0 && !f.checkLimit(m_maxMessageBytes).isEmpty()) {
        problem = f.kind == Framing::Kind::Fixed
                ? tr("A frame of %1 bytes is longer than the longest message (%2 bytes): raise Max message first")
                          .arg(f.fixedSize)
                          .arg(m_maxMessageBytes)
                : tr("The length header (%1 bytes) is longer than the longest message (%2 bytes)")
                          .arg(f.headerSize())
                          .arg(m_maxMessageBytes);
    }
    m_problem = problem;
    m_delimiterEdit->setStyleSheet(problem.isEmpty() || f.kind != Framing::Kind::Delimiter ? QString() : UiText::problemStyle());
    if (problem.isEmpty()) {
        m_framing = f;
        m_exampleLabel->setText(f.describe());
        fitExample();
        m_exampleLabel->setStyleSheet(QString());
    } else {
        m_exampleLabel->setText(problem);
        fitExample();
        m_exampleLabel->setStyleSheet(UiText::problemStyle());
    }
}

void FramingEdit::commit()
{
    check();
    if (!isValid() || m_framing == m_told)
        return;
    m_told = m_framing;
    emit framingChanged(m_framing);
}

bool FramingEdit::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_exampleLabel && (event->type() == QEvent::Resize || event->type() == QEvent::FontChange))
        fitExample();
    return QWidget::eventFilter(watched, event);
}

void FramingEdit::fitExample()
{
    const int height = m_exampleLabel->heightForWidth(m_exampleLabel->width());
    if (height > 0 && height != m_exampleLabel->minimumHeight())
        m_exampleLabel->setMinimumHeight(height);
}

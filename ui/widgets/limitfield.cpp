// SPDX-License-Identifier: MIT
#include "widgets/limitfield.h"

#include <limits>

#include <QDoubleSpinBox>
#include <QSpinBox>

namespace {
/** A limit's value as the spin box shows it: seconds for the interval, else as stored. */
double shown(const Limits::Limit &limit, qint64 value)
{
    return limit.unit == Limits::Unit::Seconds ? double(value) / 1000.0 : double(value);
}

template <typename Spin>
void configureCommon(Spin *spin, const Limits::Limit &limit, const QString &toolTip)
{
    spin->setSuffix(LimitField::suffix(limit.unit));
    // Shown at the minimum, which is 0 for these: QAbstractSpinBox's special value.
    if (limit.zeroMeansNoLimit && limit.minimum == 0)
        spin->setSpecialValueText(LimitField::tr("no limit"));
    if (!toolTip.isEmpty())
        spin->setToolTip(toolTip);
}
} // namespace

void LimitField::configure(QSpinBox *spin, const Limits::Limit &limit, const QString &toolTip)
{
    Q_ASSERT(limit.unit != Limits::Unit::Seconds);              // fractions: the QDoubleSpinBox overload
    Q_ASSERT(limit.maximum <= std::numeric_limits<int>::max());  // likewise for more than an int
    spin->setRange(int(limit.minimum), int(limit.maximum));
    if (Limits::contains(limit, limit.defaultValue))
        spin->setValue(int(limit.defaultValue));
    configureCommon(spin, limit, toolTip);
}

void LimitField::configure(QDoubleSpinBox *spin, const Limits::Limit &limit, const QString &toolTip)
{
    // Decimals first: setRange() and setValue() round to them.
    spin->setDecimals(limit.unit == Limits::Unit::Seconds ? 3 : 0);
    spin->setRange(shown(limit, limit.minimum), shown(limit, limit.maximum));
    if (Limits::contains(limit, limit.defaultValue))
        spin->setValue(shown(limit, limit.defaultValue));
    configureCommon(spin, limit, toolTip);
}

QString LimitField::suffix(Limits::Unit unit)
{
    switch (unit) {
    case Limits::Unit::Bytes:
        return tr(" bytes");
    case Limits::Unit::Milliseconds:
        return tr(" ms");
    case Limits::Unit::Seconds:
        return tr(" s");
    case Limits::Unit::Count:
    case Limits::Unit::Port:
        break;
    }
    return {};
}

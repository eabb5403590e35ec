// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QString>

#include "core/settinglimits.h"

class QDoubleSpinBox;
class QSpinBox;

/**
 * A window's spin box for a limit of core/settinglimits.h, so that it takes what
 * the command line takes: the range, the unit as a suffix (" bytes", " ms",
 * " s"), "no limit" shown for 0 where the limit means that, and the
 * default as its value until the window loads its settings.
 */
class LimitField
{
    Q_DECLARE_TR_FUNCTIONS(LimitField)

public:
    /** For limits whose range fits an int (ports, counts, ms, messages). */
    static void configure(QSpinBox *spin, const Limits::Limit &limit, const QString &toolTip = {});
    /**
     * For limits beyond an int (the backlog: 4 GiB) or in seconds (the
     * interval: 0.001 to 86400, three decimals; the value is in seconds).
     */
    static void configure(QDoubleSpinBox *spin, const Limits::Limit &limit, const QString &toolTip = {});

    /** The suffix of @p unit: " bytes", " ms", " s", or none; translated. */
    static QString suffix(Limits::Unit unit);
};

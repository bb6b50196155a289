#pragma once

#include <QCollator>
#include <QLocale>

namespace athanor::ui {

// A collator for natural order ("item2" before "item10", case ignored). The C/POSIX locale (LANG unset, as in
// CI and containers) has no collation rules and no numeric mode, so English rules stand in for it.
inline QCollator naturalCollator() {
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    QCollator collator(locale);
    collator.setNumericMode(true);
    collator.setCaseSensitivity(Qt::CaseInsensitive);
    return collator;
}

} // namespace athanor::ui

#pragma once

#include "models/StatusCategory.h"

#include <QColor>
#include <QPalette>

namespace athanor::ui {

// Semantic colours derived from the active palette: the hue carries the meaning, the lightness follows the
// palette's base so text stays readable on the light and the dark Fusion palette alike.
class ThemeColors {
public:
    explicit ThemeColors(const QPalette& palette);

    bool isDark() const { return m_dark; }
    QColor success() const;
    QColor info() const;
    QColor warning() const;
    QColor danger() const;
    QColor muted() const;
    QColor link() const;

    // Typed JSON values.
    QColor string() const;
    QColor number() const;
    QColor keyword() const; // true / false / null
    QColor tag() const;     // serde tags (dates, symbols, bytes)
    QColor key() const;

    // Backgrounds for diff rows and badges: the colour faded into the base.
    QColor addedBackground() const;
    QColor removedBackground() const;
    QColor changedBackground() const;
    QColor badgeBackground(const QColor& foreground) const;

    QColor forStatus(StatusCategory category) const;

    static QColor mix(const QColor& a, const QColor& b, double amountOfB);

private:
    QColor pick(QColor onLight, QColor onDark) const { return m_dark ? onDark : onLight; }
    QPalette m_palette;
    bool m_dark = false;
};

} // namespace athanor::ui

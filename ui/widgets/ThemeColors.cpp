#include "widgets/ThemeColors.h"

namespace athanor::ui {

ThemeColors::ThemeColors(const QPalette& palette) : m_palette(palette) {
    m_dark = palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor ThemeColors::mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

QColor ThemeColors::success() const {
    return pick(QColor(0x1c, 0x7c, 0x3c), QColor(0x7f, 0xd1, 0x8f));
}
QColor ThemeColors::info() const {
    return pick(QColor(0x1f, 0x5f, 0xbf), QColor(0x8a, 0xb4, 0xf8));
}
QColor ThemeColors::warning() const {
    return pick(QColor(0xa3, 0x5a, 0x00), QColor(0xf2, 0xb5, 0x4b));
}
QColor ThemeColors::danger() const {
    return pick(QColor(0xc0, 0x25, 0x25), QColor(0xff, 0x8a, 0x80));
}
QColor ThemeColors::muted() const {
    return mix(m_palette.color(QPalette::Text), m_palette.color(QPalette::Base), 0.45);
}
QColor ThemeColors::link() const {
    return m_palette.color(QPalette::Link);
}
QColor ThemeColors::string() const {
    return pick(QColor(0x0a, 0x6e, 0x31), QColor(0xa5, 0xd6, 0x8c));
}
QColor ThemeColors::number() const {
    return pick(QColor(0x1a, 0x4f, 0xb0), QColor(0x79, 0xc0, 0xff));
}
QColor ThemeColors::keyword() const {
    return pick(QColor(0x8a, 0x2b, 0xb0), QColor(0xd2, 0xa8, 0xff));
}
QColor ThemeColors::tag() const {
    return pick(QColor(0x9a, 0x4d, 0x00), QColor(0xff, 0xc6, 0x6d));
}
QColor ThemeColors::key() const {
    return m_palette.color(QPalette::Text);
}

QColor ThemeColors::addedBackground() const {
    return mix(m_palette.color(QPalette::Base), success(), 0.18);
}
QColor ThemeColors::removedBackground() const {
    return mix(m_palette.color(QPalette::Base), danger(), 0.18);
}
QColor ThemeColors::changedBackground() const {
    return mix(m_palette.color(QPalette::Base), warning(), 0.18);
}
QColor ThemeColors::badgeBackground(const QColor& foreground) const {
    return mix(m_palette.color(QPalette::Base), foreground, m_dark ? 0.22 : 0.14);
}

QColor ThemeColors::forStatus(StatusCategory category) const {
    switch (category) {
    case StatusCategory::Created:
        return success();
    case StatusCategory::Updated:
        return info();
    case StatusCategory::Creating:
    case StatusCategory::Updating:
    case StatusCategory::Deleting:
    case StatusCategory::Interrupted:
    case StatusCategory::PendingDeletion:
        return warning();
    case StatusCategory::Running:
        return info();
    case StatusCategory::Unreadable:
    case StatusCategory::Failed:
        return danger();
    case StatusCategory::Deleted:
    case StatusCategory::Unknown:
    case StatusCategory::None:
        break;
    }
    return muted();
}

} // namespace athanor::ui

//! The UI's words in English and Simplified Chinese, chosen by locale and overridable key by
//! key from the manifest's `strings`.

use crate::policy::manifest::Manifest;
use crate::sorted_map::SortedMap;

const BANNER_EN: &[(&str, &str)] = &[
    ("banner.title", "Your privacy choices"),
    (
        "banner.text",
        "We ask before using your information for anything the service can work without, such as analytics and personalised advertising. You can change your choices at any time.",
    ),
    ("banner.policy", "Read the privacy policy"),
    (
        "banner.gpc",
        "Your browser's Global Privacy Control signal is honoured: nothing is sold or shared unless you turn it on.",
    ),
    ("accept-all", "Accept all"),
    ("reject-all", "Reject all"),
    ("choose", "Choose"),
];

const EN: &[(&str, &str)] = &[
    (
        "banner.expired",
        "It has been a while: please confirm your choices.",
    ),
    (
        "banner.lapsed",
        "You are now an adult: the consent your guardian gave no longer applies. Please choose for yourself.",
    ),
    ("banner.new", "We added purposes since you last chose:"),
    (
        "banner.invalid",
        "Your saved choices could not be read, so we ask again.",
    ),
    (
        "banner.guardian",
        "Thank you. As the guardian, choose what you allow for the minor.",
    ),
    ("open-settings", "Privacy settings"),
    ("settings.title", "Privacy settings"),
    (
        "settings.text",
        "Choose what we may use your information for. Strictly necessary purposes are always on.",
    ),
    ("settings.save", "Save choices"),
    ("settings.close", "Close"),
    ("settings.read", "Read in the policy"),
    ("settings.recipients", "Shared with:"),
    (
        "lock.required",
        "Always on: the service cannot work without it.",
    ),
    (
        "lock.forbidden",
        "Not available to minors, even with a guardian's consent.",
    ),
    (
        "lock.guardian",
        "A parent or guardian must give consent for a minor.",
    ),
    (
        "state.suspended",
        "Needs your answer again: the policy changed for this purpose.",
    ),
    ("policy.title", "Privacy policy"),
    ("policy.search", "Search the policy"),
    ("policy.changed", "Changed"),
    ("policy.loading", "Loading the policy…"),
    ("policy.error", "The policy could not be loaded."),
    ("policy.none", "No section matches."),
    ("age.title", "How old are you?"),
    (
        "age.text",
        "Before your choices take effect, we need your birth year and month. Under 18, a parent or guardian decides with you.",
    ),
    ("age.year", "Birth year"),
    ("age.month", "Birth month"),
    ("age.submit", "Continue"),
    ("age.invalid", "Please enter a valid year and month."),
    ("guardian.title", "A parent or guardian needs to consent"),
    (
        "guardian.text",
        "Because you are under 18, optional purposes stay off until a parent or legal guardian gives consent. Some purposes are never available to minors.",
    ),
    ("guardian.name", "Guardian's full name"),
    ("guardian.relationship", "Relationship to the minor"),
    ("guardian.parent", "Parent"),
    ("guardian.legal", "Legal guardian"),
    (
        "guardian.contact",
        "Guardian's e-mail or phone, to receive a verification code",
    ),
    (
        "guardian.attest",
        "I am this person's parent or legal guardian and I consent on their behalf.",
    ),
    ("guardian.submit", "Continue as guardian"),
    ("guardian.later", "Not now"),
    (
        "guardian.waiting",
        "Verifying… follow the instructions sent to the guardian.",
    ),
    (
        "guardian.failed",
        "The guardian could not be verified. Please try again.",
    ),
    ("guardian.forbidden", "Never available to minors:"),
    ("notice.material.title", "Our privacy policy has changed"),
    (
        "notice.material.text",
        "Some changes affect how we use your information. The purposes below need your answer again; until then they stay off.",
    ),
    (
        "notice.minor.text",
        "We updated our privacy policy. Nothing about your choices changed.",
    ),
    (
        "notice.upcoming.text",
        "Our privacy policy changes on {date}.",
    ),
    ("notice.changes", "See what changed"),
    ("notice.continue", "Save and continue"),
    ("notice.dismiss", "Dismiss"),
    ("notice.purposes", "Purposes that need your answer"),
    ("notice.sections", "Changed sections"),
    ("notice.loading", "Loading the changes…"),
    (
        "placeholder.text",
        "This content is shown only with your consent to: {purposes}.",
    ),
    ("placeholder.allow", "Allow and show"),
];

const BANNER_ZH: &[(&str, &str)] = &[
    ("banner.title", "您的隐私选择"),
    (
        "banner.text",
        "对于服务运行并非必需的用途（例如统计分析和个性化广告），我们会先征得您的同意再使用您的信息。您可以随时更改您的选择。",
    ),
    ("banner.policy", "阅读隐私政策"),
    (
        "banner.gpc",
        "我们已遵循您浏览器的“全球隐私控制”信号：除非您主动开启，否则不会出售或共享任何信息。",
    ),
    ("accept-all", "全部接受"),
    ("reject-all", "全部拒绝"),
    ("choose", "自行选择"),
];

const ZH: &[(&str, &str)] = &[
    (
        "banner.expired",
        "距离您上次选择已有一段时间，请重新确认您的选择。",
    ),
    (
        "banner.lapsed",
        "您现已成年：监护人代为作出的同意不再适用。请您自行选择。",
    ),
    ("banner.new", "自您上次选择以来，我们新增了以下用途："),
    ("banner.invalid", "无法读取您保存的选择，因此需要重新询问。"),
    (
        "banner.guardian",
        "谢谢。作为监护人，请为未成年人选择您允许的用途。",
    ),
    ("open-settings", "隐私设置"),
    ("settings.title", "隐私设置"),
    (
        "settings.text",
        "选择我们可以将您的信息用于哪些用途。必要用途始终开启。",
    ),
    ("settings.save", "保存选择"),
    ("settings.close", "关闭"),
    ("settings.read", "在政策中查看"),
    ("settings.recipients", "共享对象："),
    ("lock.required", "始终开启：没有它服务无法运行。"),
    (
        "lock.forbidden",
        "不向未成年人提供，即使监护人同意也不可以。",
    ),
    ("lock.guardian", "未成年人需由父母或监护人同意。"),
    (
        "state.suspended",
        "需要您重新作答：与此用途相关的政策已变更。",
    ),
    ("policy.title", "隐私政策"),
    ("policy.search", "搜索政策"),
    ("policy.changed", "已更改"),
    ("policy.loading", "正在加载政策…"),
    ("policy.error", "无法加载政策。"),
    ("policy.none", "没有匹配的章节。"),
    ("age.title", "您的年龄是？"),
    (
        "age.text",
        "在您的选择生效之前，我们需要知道您的出生年份和月份。未满 18 周岁的，由父母或监护人与您一同决定。",
    ),
    ("age.year", "出生年份"),
    ("age.month", "出生月份"),
    ("age.submit", "继续"),
    ("age.invalid", "请输入有效的年份和月份。"),
    ("guardian.title", "需要父母或监护人同意"),
    (
        "guardian.text",
        "由于您未满 18 周岁，可选用途将保持关闭，直至父母或法定监护人同意。部分用途永远不向未成年人提供。",
    ),
    ("guardian.name", "监护人姓名"),
    ("guardian.relationship", "与未成年人的关系"),
    ("guardian.parent", "父母"),
    ("guardian.legal", "法定监护人"),
    (
        "guardian.contact",
        "监护人的电子邮箱或手机号，用于接收验证码",
    ),
    (
        "guardian.attest",
        "我是此人的父母或法定监护人，并代表其作出同意。",
    ),
    ("guardian.submit", "以监护人身份继续"),
    ("guardian.later", "暂不"),
    (
        "guardian.waiting",
        "正在验证…请按照发送给监护人的说明操作。",
    ),
    ("guardian.failed", "无法验证监护人身份，请重试。"),
    ("guardian.forbidden", "永远不向未成年人提供："),
    ("notice.material.title", "我们的隐私政策已变更"),
    (
        "notice.material.text",
        "部分变更影响我们使用您信息的方式。以下用途需要您重新作答；在此之前它们保持关闭。",
    ),
    (
        "notice.minor.text",
        "我们更新了隐私政策。您的选择没有任何变化。",
    ),
    ("notice.upcoming.text", "我们的隐私政策将于 {date} 变更。"),
    ("notice.changes", "查看变更内容"),
    ("notice.continue", "保存并继续"),
    ("notice.dismiss", "关闭"),
    ("notice.purposes", "需要您作答的用途"),
    ("notice.sections", "已变更的章节"),
    ("notice.loading", "正在加载变更内容…"),
    (
        "placeholder.text",
        "此内容需要您同意以下用途后才会显示：{purposes}。",
    ),
    ("placeholder.allow", "允许并显示"),
];

/// A built-in banner string (the first-paint module needs only these).
pub fn banner_text(locale: &str, key: &str) -> &'static str {
    let table = if is_chinese(locale) {
        BANNER_ZH
    } else {
        BANNER_EN
    };
    table.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v)
}

/// Month names for the age gate's month list.
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The UI strings for one locale.
#[derive(Debug, Clone)]
pub struct Strings {
    locale: String,
    table: SortedMap<String, String>,
}

/// Whether a locale is Chinese (`zh`, `zh-CN`, `zh-Hans`, …).
pub fn is_chinese(locale: &str) -> bool {
    locale.to_ascii_lowercase().starts_with("zh")
}

/// The locale to use: the first of `candidates` (the `lang` option, `<html lang>`,
/// `navigator.languages`) that we have strings for, else English.
pub fn choose_locale<'a>(candidates: impl IntoIterator<Item = &'a str>) -> String {
    for candidate in candidates {
        let lower = candidate.trim().to_ascii_lowercase();
        if lower.is_empty() || lower == "auto" {
            continue;
        }
        if lower.starts_with("zh") {
            return "zh-CN".into();
        }
        if lower.starts_with("en") {
            return "en".into();
        }
    }
    "en".into()
}

impl Strings {
    /// Built-in strings for `locale`, with the manifest's overrides for that locale (or its
    /// language) on top.
    pub fn new(locale: &str, manifest: &Manifest) -> Strings {
        let (banner, base) = if is_chinese(locale) {
            (BANNER_ZH, ZH)
        } else {
            (BANNER_EN, EN)
        };
        // The banner's words (shared with the loader) and the rest: no key is in both.
        let mut table: SortedMap<String, String> = banner
            .iter()
            .chain(base)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let language = locale.split(['-', '_']).next().unwrap_or(locale);
        for (key, overrides) in &manifest.strings {
            let applies = key.eq_ignore_ascii_case(locale)
                || key
                    .split(['-', '_'])
                    .next()
                    .is_some_and(|l| l.eq_ignore_ascii_case(language));
            if applies {
                for (k, v) in overrides {
                    table.insert(k.clone(), v.clone());
                }
            }
        }
        Strings {
            locale: locale.to_string(),
            table,
        }
    }

    /// The string for `key` (the key itself when unknown, so a typo shows rather than hides).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.table.get(key).map_or(key, String::as_str)
    }

    /// The locale.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// A month's name.
    pub fn month(&self, month: u32) -> String {
        if is_chinese(&self.locale) {
            format!("{month} 月")
        } else {
            MONTHS_EN
                .get(month.saturating_sub(1) as usize)
                .copied()
                .unwrap_or("")
                .to_string()
        }
    }

    /// A date (`YYYY-MM-DD`) for people: `15 January 2027`, `2027 年 1 月 15 日`.
    pub fn date(&self, date: &str) -> String {
        let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
        match parts.as_slice() {
            [y, m, d] if is_chinese(&self.locale) => format!("{y} 年 {m} 月 {d} 日"),
            [y, m, d] => format!("{d} {} {y}", self.month(*m)),
            _ => date.to_string(),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        serde_json::from_str(include_str!("../../policy/consent.json")).unwrap()
    }

    #[test]
    fn both_languages_have_every_key() {
        let en: Vec<&str> = BANNER_EN.iter().chain(EN).map(|(k, _)| *k).collect();
        let zh: Vec<&str> = BANNER_ZH.iter().chain(ZH).map(|(k, _)| *k).collect();
        assert_eq!(en, zh);
        assert_eq!(BANNER_EN.len(), 7);
    }

    #[test]
    fn locale_choice_and_overrides() {
        assert_eq!(choose_locale(["auto", "zh-Hans-CN", "en"]), "zh-CN");
        assert_eq!(choose_locale(["", "fr-FR", "en-GB"]), "en");
        assert_eq!(choose_locale(["de"]), "en");
        let mut m = manifest();
        m.strings.insert(
            "zh".into(),
            SortedMap::from([("accept-all".to_string(), "同意全部".to_string())]),
        );
        assert_eq!(Strings::new("zh-CN", &m).get("accept-all"), "同意全部");
        assert_eq!(Strings::new("en", &m).get("accept-all"), "Accept all");
        assert_eq!(Strings::new("en", &m).date("2027-01-15"), "15 January 2027");
        assert_eq!(
            Strings::new("zh-CN", &m).date("2027-01-15"),
            "2027 年 1 月 15 日"
        );
    }
}

package io.github.durablesqlite.replica;

import java.util.regex.Pattern;

/**
 * Masks what could be a secret in URL text before it goes into a message: user info (also inside
 * an endpoint parameter) and the values of query parameters named like keys, secrets, tokens or
 * passwords. Error messages quote the URL the user gave, and that URL may carry what it should not.
 */
final class UrlRedaction {

    private static final Pattern USER_INFO = Pattern.compile("//[^/?#&@]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&][^=&#]*(?i:key|secret|token|password|passwd|credential|signature)[^=&#]*=)[^&#]*");

    private UrlRedaction() {
    }

    static String redact(String url) {
        String masked = USER_INFO.matcher(url).replaceAll("//***@");
        return SECRET_PARAM.matcher(masked).replaceAll("$1***");
    }
}

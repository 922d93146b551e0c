package io.devagent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devagent.config.Environment;
import io.devagent.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.devagent.audit.Redactor.MASK;
import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    private static Redactor from(Map<String, String> env, String... extra) {
        return Redactor.from(new Environment(env), List.of(extra));
    }

    @Test
    void valuesOfSecretNamedVariablesAreMaskedInText() {
        Redactor r = from(Map.of(
                "GITHUB_TOKEN", "tok-value-111111",
                "OPENAI_API_KEY", "apikey-value-222222",
                "CLIENT_SECRET", "secret-value-333333",
                "DB_PASSWORD", "password-value-444444",
                "my_access_token", "lower-case-name-555555"));
        String text = "a tok-value-111111 b apikey-value-222222 c secret-value-333333 d password-value-444444 e lower-case-name-555555";
        assertThat(r.redact(text)).isEqualTo("a " + MASK + " b " + MASK + " c " + MASK + " d " + MASK + " e " + MASK);
    }

    @Test
    void valuesOfOrdinaryVariablesAreLeftAlone() {
        Redactor r = from(Map.of("HOME", "/home/someone", "LLM_MODEL", "qwen2.5-coder-7b", "TOKENIZER_PATH_X", "x"));
        String text = "model qwen2.5-coder-7b at /home/someone";
        assertThat(r.redact(text)).isEqualTo(text);
    }

    @Test
    void shortValuesAreNotTreatedAsSecrets() {
        Redactor r = from(Map.of("SHORT_TOKEN", "abc12", "EXACT_TOKEN", "xyz789", "EMPTY_SECRET", ""));
        assertThat(r.redact("abc12 and xyz789")).isEqualTo("abc12 and " + MASK);
        assertThat(r.redact("plain text stays")).isEqualTo("plain text stays");
    }

    @Test
    void aSecretContainingAnotherIsMaskedWhole() {
        Redactor r = from(Map.of("A_TOKEN", "abcdef", "B_TOKEN", "abcdef-longer-secret"));
        assertThat(r.redact("x abcdef-longer-secret y abcdef z")).isEqualTo("x " + MASK + " y " + MASK + " z");
    }

    @Test
    void secretsAreMaskedInNestedJsonWithoutTouchingTheInput() {
        Redactor r = from(Map.of("LLM_API_KEY", "env-secret-value-9876"));
        ObjectNode data = Json.object().put("count", 3).put("ok", true).putNull("none");
        data.putArray("messages").addObject().put("content", "key is env-secret-value-9876!")
                .set("inner", Json.array().add("env-secret-value-9876").add(42));
        String before = data.toString();

        JsonNode out = r.redact((JsonNode) data);

        assertThat(out.toString()).doesNotContain("env-secret-value-9876");
        assertThat(out.at("/messages/0/content").asText()).isEqualTo("key is " + MASK + "!");
        assertThat(out.at("/messages/0/inner/0").asText()).isEqualTo(MASK);
        assertThat(out.at("/messages/0/inner/1").asInt()).isEqualTo(42);
        assertThat(out.get("count").asInt()).isEqualTo(3);
        assertThat(out.get("ok").asBoolean()).isTrue();
        assertThat(out.get("none").isNull()).isTrue();
        assertThat(data.toString()).as("the input is not modified").isEqualTo(before);
    }

    @Test
    void knownTokenShapesAreMaskedWithoutAnyConfiguration() {
        Redactor r = Redactor.none();
        assertThat(r.redact("key sk-proj-AbCdEfGhIjKlMnOpQrSt end")).isEqualTo("key " + MASK + " end");
        assertThat(r.redact("gh ghp_abcdefghijklmnopqrstuvwxyz0123 end")).isEqualTo("gh " + MASK + " end");
        assertThat(r.redact("pat github_pat_11ABCDEFG0123456789_abcdefghij end")).isEqualTo("pat " + MASK + " end");
        assertThat(r.redact("aws AKIAIOSFODNN7EXAMPLE end")).isEqualTo("aws " + MASK + " end");
        assertThat(r.redact("slack xoxb-1234567890-abcdef end")).isEqualTo("slack " + MASK + " end");
        assertThat(r.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig== end"))
                .isEqualTo("Authorization: Bearer " + MASK + " end");
        assertThat(r.redact("authorization: bearer abcdefgh12345678")).isEqualTo("authorization: bearer " + MASK);
    }

    @Test
    void pemPrivateKeysAreMaskedWhole() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx3y\nQWERTYUIOPASDFGHJKL\n-----END RSA PRIVATE KEY-----";
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
        Redactor r = Redactor.none();
        assertThat(r.redact("before\n" + pem + "\nafter")).isEqualTo("before\n" + MASK + "\nafter");
        assertThat(r.redact(pkcs8)).isEqualTo(MASK);
        String publicKey = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----";
        assertThat(r.redact(publicKey)).isEqualTo(publicKey);
    }

    @Test
    void thingsThatMerelyResembleSecretsAreKept() {
        Redactor r = Redactor.none();
        for (String text : List.of("sk-short", "ghp_tooShort", "AKIA-not-a-key", "Bearer short", "a bearer of bad news")) {
            assertThat(r.redact(text)).as(text).isEqualTo(text);
        }
    }

    @Test
    void thePolicysExtraPatternsAreMasked() {
        Redactor r = from(Map.of(), "internal-[0-9]{6}", "(?i)acme_[a-z]+_key");
        assertThat(r.redact("id internal-123456 and ACME_prod_KEY here, internal-12 stays"))
                .isEqualTo("id " + MASK + " and " + MASK + " here, internal-12 stays");
        assertThat(r.redact((JsonNode) Json.object().put("x", "internal-654321")).get("x").asText()).isEqualTo(MASK);
        assertThat(r.redact("sk-proj-AbCdEfGhIjKlMnOpQrSt")).as("the known shapes still apply").isEqualTo(MASK);
    }

    @Test
    void fieldsNamedLikeSecretsAreMaskedWhateverTheirValue() {
        ObjectNode data = Json.object()
                .put("authorization", "Basic dXNlcjpwYXNz")
                .put("Authorization", "anything")
                .put("api_key", "plainvalue")
                .put("apiKey", "plainvalue")
                .put("api-key", "plainvalue")
                .put("token", "t")
                .put("password", "hunter2")
                .put("secret", "shh");
        data.putObject("headers").put("Authorization", "custom-scheme-xyz");
        JsonNode out = Redactor.none().redact((JsonNode) data);
        out.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("headers")) {
                assertThat(f.getValue().asText()).as(f.getKey()).isEqualTo(MASK);
            }
        });
        assertThat(out.at("/headers/Authorization").asText()).isEqualTo(MASK);
    }

    @Test
    void fieldsEndingInASecretNameAreMaskedToo() {
        ObjectNode data = Json.object()
                .put("access_token", "opaque-value-1")
                .put("refresh_token", "opaque-value-2")
                .put("accessToken", "opaque-value-3")
                .put("client_secret", "opaque-value-4")
                .put("x-api-key", "opaque-value-5")
                .put("db_password", "opaque-value-6");
        JsonNode out = Redactor.none().redact((JsonNode) data);
        assertThat(out.toString()).doesNotContain("opaque-value");
    }

    @Test
    void fieldsThatOnlyMentionTokensAreKept() {
        ObjectNode data = Json.object()
                .put("tokens", 1234)
                .put("max_tokens", 4096)
                .put("token_count", "12")
                .put("tokenizer", "cl100k")
                .put("goal", "count the tokens in README");
        data.putObject("token").put("kind", "nested objects are redacted inside, not dropped");
        JsonNode out = Redactor.none().redact((JsonNode) data);
        assertThat(out.get("tokens").asInt()).isEqualTo(1234);
        assertThat(out.get("max_tokens").asInt()).isEqualTo(4096);
        assertThat(out.get("token_count").asText()).isEqualTo("12");
        assertThat(out.get("tokenizer").asText()).isEqualTo("cl100k");
        assertThat(out.get("goal").asText()).isEqualTo("count the tokens in README");
        assertThat(out.at("/token/kind").asText()).isEqualTo("nested objects are redacted inside, not dropped");
    }

    @Test
    void withSecretsAddsSecretsReadElsewhere() {
        Redactor base = from(Map.of("LLM_API_KEY", "env-secret-value-1"));
        Redactor more = base.withSecrets(java.util.Arrays.asList("file-token-abcd", null, "abc"));
        assertThat(more.redact("env-secret-value-1 file-token-abcd abc")).isEqualTo(MASK + " " + MASK + " abc");
        assertThat(base.redact("file-token-abcd")).as("the original is unchanged").isEqualTo("file-token-abcd");
    }

    @Test
    void nullAndEmptyPassThrough() {
        Redactor r = Redactor.none();
        assertThat(r.redact((String) null)).isNull();
        assertThat(r.redact("")).isEmpty();
        assertThat(r.redact((JsonNode) null)).isNull();
    }
}

package org.tiphotline.console.fuzz;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import org.tiphotline.console.testing.RunningHotline;

/**
 * Every POST, PUT and PATCH endpoint Spring maps that takes a JSON or form body, read from the running
 * application's handler mappings (as {@code NeedToKnowTest} reads them), with the shape of its body from the handler
 * method's signature: a new endpoint is fuzzed without anyone adding it here.
 */
final class MappedEndpoints {

    /** What one field of a body holds, as far as the signature tells. */
    enum Kind { TEXT, TEXTS, BOOLEAN, NUMBER, ANY }

    /**
     * One endpoint: its method and pattern, and either a JSON body ({@code json}: field name to kind, empty for an
     * untyped map) or form parameters ({@code form}: parameter names; Twilio's whole form when {@code anyForm}).
     */
    record Endpoint(String method, String pattern, boolean json, Map<String, Kind> fields, boolean openMap,
            boolean anyForm) {

        List<String> variables() {
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("\\{([^}]+)}").matcher(pattern);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    private MappedEndpoints() {
    }

    static List<Endpoint> of(RunningHotline hotline) {
        List<Endpoint> found = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : hotline.beans(RequestMappingInfoHandlerMapping.class)
                .values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
                Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
                for (RequestMethod method : methods) {
                    if (method != RequestMethod.POST && method != RequestMethod.PUT && method != RequestMethod.PATCH) {
                        continue;
                    }
                    for (String pattern : e.getKey().getPatternValues()) {
                        Endpoint endpoint = endpoint(method.name(), pattern, e.getValue());
                        if (endpoint != null) {
                            found.add(endpoint);
                        }
                    }
                }
            }
        }
        found.sort(Comparator.comparing(Endpoint::toString));
        return found;
    }

    /** Null for an endpoint without a JSON or form body (a bare action, or a raw file upload). */
    private static Endpoint endpoint(String method, String pattern, HandlerMethod handler) {
        Map<String, Kind> params = new LinkedHashMap<>();
        boolean anyForm = false;
        for (MethodParameter p : handler.getMethodParameters()) {
            if (p.hasParameterAnnotation(RequestBody.class)) {
                Class<?> type = p.getParameterType();
                if (type == byte[].class || type == String.class) {
                    return null;
                }
                if (Map.class.isAssignableFrom(type)) {
                    return new Endpoint(method, pattern, true, Map.of(), true, false);
                }
                Map<String, Kind> fields = new LinkedHashMap<>();
                boolean openMap = false;
                if (type.isRecord()) {
                    for (RecordComponent c : type.getRecordComponents()) {
                        fields.put(c.getName(), kind(c.getGenericType()));
                        openMap |= Map.class.isAssignableFrom(c.getType());
                    }
                }
                return new Endpoint(method, pattern, true, fields, openMap, false);
            }
            RequestParam param = p.getParameterAnnotation(RequestParam.class);
            if (param != null) {
                String name = !param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value()
                        : p.getParameterName();
                params.put(name, kind(p.getGenericParameterType()));
            }
            anyForm |= p.hasParameterAnnotation(RequestAttribute.class) && Map.class.isAssignableFrom(
                    p.getParameterType());
        }
        return params.isEmpty() && !anyForm ? null : new Endpoint(method, pattern, false, params, false, anyForm);
    }

    private static Kind kind(Type type) {
        if (type == String.class) {
            return Kind.TEXT;
        }
        if (type == Boolean.class || type == boolean.class) {
            return Kind.BOOLEAN;
        }
        if (type instanceof Class<?> c && (Number.class.isAssignableFrom(c) || c.isPrimitive())) {
            return Kind.NUMBER;
        }
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
                && p.getActualTypeArguments()[0] == String.class) {
            return Kind.TEXTS;
        }
        return Kind.ANY;
    }
}

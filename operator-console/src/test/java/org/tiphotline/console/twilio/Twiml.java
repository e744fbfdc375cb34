package org.tiphotline.console.twilio;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Reading TwiML with XPath (never compared as text) and varying a webhook's form, for the Twilio tests. */
public final class Twiml {

    private Twiml() {
    }

    /** The string value of an XPath expression over the TwiML. */
    public static String text(Document twiml, String xpath) {
        try {
            return (String) XPathFactory.newInstance().newXPath().evaluate(xpath, twiml, XPathConstants.STRING);
        } catch (Exception e) {
            throw new AssertionError(xpath, e);
        }
    }

    /** How many nodes an XPath expression selects. */
    public static int count(Document twiml, String xpath) {
        try {
            return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, twiml, XPathConstants.NODESET))
                    .getLength();
        } catch (Exception e) {
            throw new AssertionError(xpath, e);
        }
    }

    /** A copy of the form with one parameter set. */
    public static Map<String, String> with(Map<String, String> form, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(form);
        copy.put(name, value);
        return copy;
    }
}

package io.tandem.capture.siprec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Hardened, namespace-agnostic XML reading for recording metadata: no DOCTYPE, no external entities,
 * no XInclude, secure processing on. Elements are matched by local name in any namespace or none.
 * Stateless and thread-safe (a parser is built per document).
 */
final class MetadataXml {
  private static final ErrorHandler QUIET = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  private MetadataXml() {}

  /**
   * The metadata's root element, and whether it could be read only by ignoring namespaces: a document that
   * uses a prefix it never declares (as some SBCs' vendor extensions do) is not namespace-well-formed, but it
   * is well-formed XML, and its elements are then matched by the part of their names after the prefix.
   */
  record Parsed(Element root, boolean undeclaredPrefixes) {}

  static Parsed parse(byte[] xml) throws MetadataException {
    try {
      return new Parsed(parse(xml, true), false);
    } catch (SAXException namespaced) {
      try {
        return new Parsed(parse(xml, false), true);
      } catch (SAXException | IOException | ParserConfigurationException | RuntimeException e) {
        throw new MetadataException("expected well-formed recording metadata XML without a DOCTYPE: "
            + namespaced.getMessage(), namespaced);
      }
    } catch (IOException | ParserConfigurationException | RuntimeException e) {
      throw new MetadataException("cannot read recording metadata XML: " + e.getMessage(), e);
    }
  }

  private static Element parse(byte[] xml, boolean namespaceAware)
      throws SAXException, IOException, ParserConfigurationException {
    DocumentBuilder builder = hardenedFactory(namespaceAware).newDocumentBuilder();
    builder.setErrorHandler(QUIET);
    builder.setEntityResolver((publicId, systemId) -> {
      throw new SAXException("external entities are not allowed");
    });
    Document document = builder.parse(new ByteArrayInputStream(xml));
    return document.getDocumentElement();
  }

  private static DocumentBuilderFactory hardenedFactory(boolean namespaceAware) throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(namespaceAware);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return factory;
  }

  /** A node's name without its prefix, whether or not the document was read with namespaces. */
  static String localName(Node node) {
    String local = node.getLocalName();
    if (local != null) {
      return local;
    }
    String name = node.getNodeName();
    return name.substring(name.indexOf(':') + 1);
  }

  /** The element children of a parent whose local name is one of the given names, in document order. */
  static List<Element> children(Element parent, String localName) {
    List<Element> found = new ArrayList<>();
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element element && localName(element).equals(localName)) {
        found.add(element);
      }
    }
    return found;
  }

  static Element firstChild(Element parent, String localName) {
    List<Element> found = children(parent, localName);
    return found.isEmpty() ? null : found.get(0);
  }

  /** The first non-empty attribute among the names, matched by local name; null when none is set. */
  static String attribute(Element element, String... names) {
    for (String name : names) {
      var attributes = element.getAttributes();
      for (int i = 0; i < attributes.getLength(); i++) {
        Node attribute = attributes.item(i);
        if (localName(attribute).equals(name) && !attribute.getNodeValue().isBlank()) {
          return attribute.getNodeValue().strip();
        }
      }
    }
    return null;
  }

  static String text(Element element) {
    return element == null ? null : element.getTextContent().strip();
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}

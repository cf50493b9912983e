import type { Rng } from '../prng.js';

/** Stack traces as the JVM and Node print them; line formats write them as continuation lines. */

export function javaStack(rng: Rng, exception: string, frames: string[], cause?: { exception: string; frames: string[] }): string[] {
  const out = [exception, ...frames.map((f) => `\tat ${f}`)];
  if (cause) {
    out.push(`Caused by: ${cause.exception}`, ...cause.frames.map((f) => `\tat ${f}`), `\t... ${rng.int(40, 120)} common frames omitted`);
  } else {
    out.push(`\t... ${rng.int(40, 120)} more`);
  }
  return out;
}

export function nodeStack(error: string, frames: string[]): string[] {
  return [error, ...frames.map((f) => `    at ${f}`)];
}

/** The servlet/Spring frames under every controller call, trimmed the way logback's shortened traces look. */
export const SPRING_WEB_FRAMES = [
  'org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)',
  'org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)',
  'org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)',
];

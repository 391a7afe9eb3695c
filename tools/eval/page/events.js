// Records every liveproof-* event the element fires into window.__liveproofEvents, and every
// Content-Security-Policy violation into window.__cspViolations (injected as is).
(() => {
  const events = [];
  window.__liveproofEvents = events;
  for (const type of ['liveproof-state', 'liveproof-prompt', 'liveproof-complete', 'liveproof-error']) {
    document.addEventListener(type, (event) => {
      events.push({ type, at: performance.now(), detail: JSON.parse(JSON.stringify(event.detail || {})) });
    });
  }
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (event) => {
    violations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample, source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` });
  });
})();

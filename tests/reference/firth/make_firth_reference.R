# Independent reference values for statreport's Firth (bias-reduced) logistic
# regression. Run from the repository root:
#
#   Rscript tests/reference/firth/make_firth_reference.R
#
# Writes tests/reference/firth/<case>.json for each case below, and the data
# CSV of the cases whose data come from R packages (endometrial, birthwt), so
# that Python reads the very same rows.
# Requires R with brglm2, MASS and jsonlite
# (Debian: apt-get install r-base-core r-cran-brglm2 r-cran-mass r-cran-jsonlite).
#
# Estimates and standard errors: brglm2::brglmFit (type = "AS_mean", which is
# Firth's penalized likelihood for the logit link). logistf is not available
# (not in Debian, CRAN not reachable), so the profile penalized-likelihood
# intervals, the penalized likelihood-ratio tests and the null model are
# computed below as logistf defines them: the penalty is always
# 0.5 * log det(X'WX) of the FULL model's information, also in the fits where
# some coefficients are held fixed.

suppressPackageStartupMessages({
  library(brglm2)
  library(MASS)
  library(jsonlite)
})

script_arg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
if (length(script_arg) == 1) {
  script_dir <- dirname(normalizePath(sub("^--file=", "", script_arg)))
  setwd(normalizePath(file.path(script_dir, "..", "..", "..")))
}
out_dir <- file.path("tests", "reference", "firth")
stopifnot(dir.exists(out_dir))

# Factor whose levels are in C-locale byte order (matches Python's sorted()).
byte_factor <- function(x) factor(x, levels = sort(unique(x), method = "radix"))

# ---------------------------------------------------------------------------
# Penalized log-likelihood and its constrained maximization (own code)
# ---------------------------------------------------------------------------

# l*(b) = l(b) + 0.5 log det(X'WX), X the full design.
penalized_loglik <- function(X, y, b) {
  eta <- drop(X %*% b)
  w <- plogis(eta) * plogis(-eta)
  ll <- sum(y * eta - (pmax(eta, 0) + log1p(exp(-abs(eta)))))
  info <- crossprod(X, X * w)
  ll + as.numeric(determinant(info, logarithm = TRUE)$modulus) / 2
}

# Maximize l*(b) over the coefficients in `free`, the others held at their
# values in `start`. Fisher scoring on the modified score
# U*_j = sum_i (y_i - p_i + h_i (0.5 - p_i)) x_ij with the free block of the
# full information, step capped at 5 (as logistf's maxstep), step-halving on
# l*. Converges when the largest step and the largest free score are below
# 1e-13 (or no step can improve l* any more at rounding level).
constrained_fit <- function(X, y, start, free, maxit = 500) {
  b <- start
  current <- penalized_loglik(X, y, b)
  for (iter in seq_len(maxit)) {
    eta <- drop(X %*% b)
    p <- plogis(eta)
    w <- p * (1 - p)
    info <- crossprod(X, X * w)
    inv <- chol2inv(chol(info))
    h <- w * rowSums((X %*% inv) * X)
    score <- drop(crossprod(X, y - p + h * (0.5 - p)))
    step <- solve(info[free, free, drop = FALSE], score[free])
    if (max(abs(step)) > 5) step <- step * 5 / max(abs(step))
    if (max(abs(step)) < 1e-13 && max(abs(score[free])) < 1e-10) {
      return(list(b = b, pll = current, iter = iter - 1, score = max(abs(score[free]))))
    }
    for (halving in 0:60) {
      trial <- b
      trial[free] <- b[free] + step / 2^halving
      value <- penalized_loglik(X, y, trial)
      if (value >= current - 1e-13 * abs(current)) break
    }
    if (halving == 60) stop("step-halving failed")
    b <- trial
    current <- value
  }
  stop("constrained fit did not converge")
}

# Profile penalized log-likelihood of coefficient j at value t.
profile_at <- function(X, y, bhat, j, t) {
  start <- bhat
  start[j] <- t
  constrained_fit(X, y, start, setdiff(seq_along(bhat), j))
}

# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

prepare <- list(
  endometrial = function() {
    data("endometrial", package = "brglm2", envir = environment())
    d <- endometrial
    csv <- file.path(out_dir, "endometrial.csv")
    write.csv(d, csv, row.names = FALSE)
    d$NV <- factor(d$NV, levels = c(0, 1))
    list(data = d, csv = csv, r_formula = HG ~ NV + PI + EH,
         terms = c("Intercept", "C(NV)[T.1]", "PI", "EH"))
  },
  anes96 = function() {
    csv <- "examples/anes96.csv"
    d <- read.csv(csv, stringsAsFactors = FALSE)
    d$y <- as.integer(d$vote == "Dole")
    d$party <- relevel(byte_factor(d$party), ref = "independent")
    d$education <- byte_factor(d$education)  # reference = "college"
    list(data = d, csv = csv, r_formula = y ~ party + age + education + self_lr,
         terms = c("Intercept",
                   paste0("C(party, Treatment('independent'))[T.", levels(d$party)[-1], "]"),
                   "age",
                   paste0("education[T.", levels(d$education)[-1], "]"),
                   "self_lr"))
  },
  birthwt = function() {
    d <- MASS::birthwt[, c("low", "age", "lwt", "race", "smoke", "ptl", "ht", "ui")]
    csv <- file.path(out_dir, "birthwt.csv")
    write.csv(d, csv, row.names = FALSE)
    d$race <- factor(d$race, levels = c(1, 2, 3))
    list(data = d, csv = csv, r_formula = low ~ age + lwt + race + smoke + ptl + ht + ui,
         terms = c("Intercept", "age", "lwt", "C(race)[T.2]", "C(race)[T.3]",
                   "smoke", "ptl", "ht", "ui"))
  }
)

cases <- list(
  list(case = "endometrial", formula = "HG ~ C(NV) + PI + EH", positive = NULL,
       ci_level = 0.95),
  list(case = "anes96",
       formula = "vote ~ C(party, Treatment('independent')) + age + education + self_lr",
       positive = "Dole", ci_level = 0.95),
  list(case = "birthwt", formula = "low ~ age + lwt + C(race) + smoke + ptl + ht + ui",
       positive = NULL, ci_level = 0.90)
)

make_reference <- function(cs) {
  pr <- prepare[[cs$case]]()
  d <- pr$data

  # Firth's estimates and Wald standard errors: brglm2.
  fit <- glm(pr$r_formula, data = d, family = binomial("logit"), method = "brglmFit",
             type = "AS_mean", epsilon = 1e-14, maxit = 1000)
  if (!fit$converged) stop(cs$case, ": brglmFit did not converge")
  X <- model.matrix(fit)
  y <- fit$y
  stopifnot(length(pr$terms) == ncol(X), all(y %in% c(0, 1)))
  bhat <- coef(fit)
  se <- summary(fit)$coefficients[, "Std. Error"]
  k <- length(bhat)

  # Our own maximization of l* must land on brglm2's estimate.
  own <- constrained_fit(X, y, rep(0, k), seq_len(k))
  stopifnot(max(abs(own$b - bhat) / pmax(abs(bhat), 1)) < 1e-9)
  pll_hat <- penalized_loglik(X, y, bhat)

  # Profile penalized-likelihood intervals and penalized LR tests (H0: b_j = 0).
  q <- qchisq(cs$ci_level, 1)
  target <- function(j, t) 2 * (pll_hat - profile_at(X, y, bhat, j, t)$pll) - q
  bound <- function(j, direction) {
    width <- sqrt(q) * se[j]
    outer <- bhat[j] + direction * width
    while (target(j, outer) < 0) {
      width <- 2 * width
      outer <- bhat[j] + direction * width
    }
    ends <- sort(c(bhat[j], outer))
    uniroot(function(t) target(j, t), lower = ends[1], upper = ends[2],
            tol = 1e-12, maxiter = 1000)$root
  }
  coefs <- lapply(seq_len(k), function(j) {
    at_zero <- profile_at(X, y, bhat, j, 0)
    chi2 <- 2 * (pll_hat - at_zero$pll)
    list(term = pr$terms[j], r_term = colnames(X)[j],
         estimate = unname(bhat[j]), std_error = unname(se[j]),
         ci_low = unname(bound(j, -1)), ci_high = unname(bound(j, 1)),
         lr_chi2 = chi2, p_value = pchisq(chi2, 1, lower.tail = FALSE))
  })

  # Null model as logistf's: intercept free, slopes 0, full-model penalty.
  null <- constrained_fit(X, y, rep(0, k), 1)
  lr_chi2 <- 2 * (pll_hat - null$pll)

  # FLIC: Firth slopes, intercept re-estimated by ML with their linear predictor as offset.
  eta_slopes <- drop(X[, -1, drop = FALSE] %*% bhat[-1])
  flic <- glm(y ~ 1, offset = eta_slopes, family = binomial,
              control = glm.control(epsilon = 1e-14, maxit = 100))
  if (!flic$converged) stop(cs$case, ": FLIC intercept did not converge")
  eta <- drop(X %*% bhat)

  list(
    case = cs$case,
    data = pr$csv,
    formula = cs$formula,
    positive = cs$positive,
    ci_level = cs$ci_level,
    generated_by = paste(R.version.string, "; brglm2", as.character(packageVersion("brglm2"))),
    n_obs = length(y),
    events = sum(y),
    coefficients = coefs,
    model = list(
      penalized_log_likelihood = pll_hat,
      null_penalized_log_likelihood = null$pll,
      log_likelihood = sum(y * eta - (pmax(eta, 0) + log1p(exp(-abs(eta))))),
      lr_chi2 = lr_chi2,
      lr_df = k - 1L,
      lr_p_value = pchisq(lr_chi2, k - 1L, lower.tail = FALSE)
    ),
    flic = list(
      intercept = unname(coef(flic)[1]),
      firth_intercept = unname(bhat[1]),
      probabilities = unname(fitted(flic))
    )
  )
}

for (cs in cases) {
  ref <- make_reference(cs)
  path <- file.path(out_dir, paste0(cs$case, ".json"))
  json <- toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE, null = "null", na = "null")
  writeLines(json, path)
  cat("wrote", path, "\n")
}

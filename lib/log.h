/*
 * Logging to stderr (the web server's or cron's log). Non-printable bytes
 * are replaced so that a request value can never forge a log line; secrets
 * must never be passed here.
 */
#ifndef CC_LOG_H
#define CC_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG,
    LOG_LVL__MAX };

void	log_set_program(const char *);
void	log_set_level(enum log_level);
void	log_msg(enum log_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_error(...)	log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
